/**
 * Parameters held by one rank of each pipeline stage, split into the parts that shard differently:
 * expert weights (over ep) and everything else (over tp). The embedding sits on the first stage,
 * the LM head, final norm and MTP modules on the last, as in Megatron and DeepSeek-V3.
 */
import {
  headTensors,
  modelLayerTensors,
  mtpModuleTensors,
  tensorElements,
  type WeightTensor,
} from "../model/index.ts";
import { expertsOverTp } from "./allgather-dispatcher.ts";
import { stageLayerCounts } from "./stage-compute.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface StageParams {
  /** Whole-stage counts (before tp/ep sharding). */
  readonly dense: number;
  readonly experts: number;
  /** Parameters one rank of the stage holds: dense / tp + experts / ep (/ tp more under the all-gather dispatcher). */
  readonly perRank: number;
  readonly densePerRank: number;
  readonly expertsPerRank: number;
}

function split(tensors: readonly WeightTensor[]): { dense: number; experts: number } {
  let dense = 0;
  let experts = 0;
  for (const t of tensors) {
    const n = tensorElements(t) * t.copies;
    if (t.component === "routed-experts" || t.name.includes("moe.experts")) experts += n;
    else dense += n;
  }
  return { dense, experts };
}

/**
 * Parameters per stage.
 * @example stageParams(scenario)[0].perRank
 */
export function stageParams(s: TrainingScenario): StageParams[] {
  const arch = s.model;
  const layers = modelLayerTensors(arch);
  const counts = stageLayerCounts(arch.numLayers, s.layout.pp);
  const head = headTensors(arch);
  const embedding = split(head.filter((t) => t.component === "embedding"));
  const lmHead = split(head.filter((t) => t.component !== "embedding"));
  const mtp = split(arch.mtpModules > 0 ? mtpModuleTensors(arch) : []);
  const out: StageParams[] = [];
  let first = 0;
  for (const [stage, count] of counts.entries()) {
    let dense = 0;
    let experts = 0;
    for (let i = first; i < first + count; i++) {
      const p = split(layers[i] ?? []);
      dense += p.dense;
      experts += p.experts;
    }
    first += count;
    if (stage === 0) dense += embedding.dense;
    if (stage === counts.length - 1) {
      dense += lmHead.dense + mtp.dense;
      experts += mtp.experts;
    }
    const densePerRank = dense / s.layout.tp;
    // The all-gather dispatcher's experts are split over tp as well (allgather-dispatcher.ts).
    const expertsPerRank = experts / s.layout.ep / (expertsOverTp(s.tokenDispatcher) ? s.layout.tp : 1);
    out.push({ dense, experts, densePerRank, expertsPerRank, perRank: densePerRank + expertsPerRank });
  }
  return out;
}
