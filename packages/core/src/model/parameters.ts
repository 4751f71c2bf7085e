/**
 * Parameter accounting: totals, the parts a deployment places separately, per layer, and the
 * parameters one token is multiplied with ("activated").
 *
 * Conventions (documented in docs/models.md):
 * - `total` is the main model, as published totals are (DeepSeek-V3's 671B excludes its 14B MTP
 *   module); `withMtp` adds the MTP modules' unique parameters.
 * - `activatedPerToken` counts every matrix a token is multiplied with — attention, dense FFN,
 *   router, its top-k routed experts, shared experts, LM head — but not the embedding table,
 *   which is gathered (one row per token), so that decode FLOPs ≈ 2 × activated + attention.
 *   `activatedWithEmbedding` adds the table for comparison with vendors that count it.
 */

import type { ModelArchitecture } from "./types.ts";
import {
  headTensors,
  modelLayerTensors,
  mtpModuleTensors,
  tensorElements,
  WEIGHT_COMPONENTS,
  type WeightComponent,
  type WeightTensor,
} from "./weight-tensors.ts";

export interface ParameterCounts {
  /** Main model (embedding, layers, head); excludes MTP modules. */
  readonly total: number;
  /** Same as `total`, named for clarity in JSON output. */
  readonly mainModel: number;
  /** Unique parameters of all MTP modules (their embedding and head are shared with the main model). */
  readonly mtp: number;
  readonly withMtp: number;
  readonly embedding: number;
  /** LM head and final norm (0 matrix parameters when tied). */
  readonly lmHead: number;
  readonly activatedPerToken: number;
  readonly activatedWithEmbedding: number;
  /** Activated parameters of one MTP module per token. */
  readonly mtpActivatedPerToken: number;
  readonly byComponent: Readonly<Record<WeightComponent, number>>;
  /** Parameters of each decoder layer. */
  readonly perLayer: readonly number[];
  /** Activated parameters of each decoder layer. */
  readonly perLayerActivated: readonly number[];
}

function sum(tensors: readonly WeightTensor[], copies: (t: WeightTensor) => number): number {
  let n = 0;
  for (const t of tensors) n += tensorElements(t) * copies(t);
  return n;
}

const all = (t: WeightTensor) => t.copies;
const active = (t: WeightTensor) => t.activeCopies;

/**
 * Counts parameters.
 * @example countParameters(builtinModel("deepseek-v3")).total // ≈ 6.71e11
 */
export function countParameters(arch: ModelArchitecture): ParameterCounts {
  const byComponent = Object.fromEntries(WEIGHT_COMPONENTS.map((c) => [c, 0])) as Record<
    WeightComponent,
    number
  >;
  const layers = modelLayerTensors(arch);
  const head = headTensors(arch);
  const mtpModule = mtpModuleTensors(arch);
  for (const tensors of [...layers, head])
    for (const t of tensors) byComponent[t.component] += tensorElements(t) * t.copies;
  const mtpUnique = arch.mtpModules * sum(mtpModule, all);
  byComponent.mtp = mtpUnique;
  const perLayer = layers.map((l) => sum(l, all));
  const perLayerActivated = layers.map((l) => sum(l, active));
  const embedding = sum(
    head.filter((t) => t.component === "embedding"),
    all,
  );
  const lmHead = sum(
    head.filter((t) => t.component === "lm-head"),
    all,
  );
  const total = perLayer.reduce((a, b) => a + b, 0) + sum(head, all);
  const activated = perLayerActivated.reduce((a, b) => a + b, 0) + sum(head, active);
  return {
    total,
    mainModel: total,
    mtp: mtpUnique,
    withMtp: total + mtpUnique,
    embedding,
    lmHead,
    activatedPerToken: activated,
    activatedWithEmbedding: activated + embedding,
    mtpActivatedPerToken: arch.mtpModules > 0 ? sum(mtpModule, active) : 0,
    byComponent,
    perLayer,
    perLayerActivated,
  };
}
