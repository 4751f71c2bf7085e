/**
 * MTP draft passes: in a decode step each draft token is one pass of the MTP module over the batch,
 * one token per sequence; in a prefill iteration the module runs once over the prompt tokens (the
 * engines fill its KV cache from the target's hidden state at every prompt position: SGLang's
 * `forward_draft_extend` after every extend, TensorRT-LLM's MTP context phase). Its decoder layer
 * is composed like a main layer (microbatches, streams, EP dispatch/combine, slowest rank); its
 * embedding, projections and shared head run once per pass on the whole attention-DP group, like
 * the main model's head. Where the engine loads the draft in a
 * format of its own (`mtp.weights`: SGLang's `--speculative-draft-model-quantization unquant`), the
 * module's weights and GEMM math take that format instead of the main model's.
 */
import type { Dtype } from "../hardware/index.ts";
import {
  type LayerOperatorOptions,
  type ModelWorkload,
  mtpLayerKind,
  mtpOperators,
  type Operator,
} from "../model/index.ts";
import { layerTimingOf } from "./layer-memo.ts";
import { lmHeadCollectives } from "./lm-head-group.ts";
import { layerCollectives } from "./step-collectives.ts";
import { type StepContext, sharedDevice } from "./step-context.ts";
import type { LayerTiming } from "./step-layer.ts";
import { type StepItem, timeOperator } from "./step-operators.ts";
import { separateKernelsOf } from "./step-separate-kernels.ts";
import { scaleExpertTokens, scaleWorkload } from "./step-shard.ts";
import type { MicrobatchWork, RankKind } from "./step-work.ts";

export interface MtpTiming {
  /** All draft passes. */
  readonly timeS: number;
  readonly passes: number;
  /** The MTP decoder layer of one pass (slowest rank). */
  readonly layer: LayerTiming;
  readonly slowestRank: RankKind["name"];
  /** Embedding, projections and head of all passes (whole group, full device). */
  readonly extras: readonly StepItem[];
}

const isLayerOp = (op: Operator) => /^mtp\d+\.(attn|ffn|moe)\./.test(op.name);

/**
 * The operator options of the MTP module: the main model's, or every matrix and GEMM in `weights`
 * when the draft is loaded in a format of its own (component formats and scheme dropped with it).
 * @example draftOptions({ weightDtype: "int8", computeDtype: "int8" }, "bf16").weightDtype // "bf16"
 */
export function draftOptions(
  options: LayerOperatorOptions,
  weights: Dtype | undefined,
): LayerOperatorOptions {
  if (weights === undefined) return options;
  const { componentPrecision: _components, weightScheme: _scheme, ...rest } = options;
  return { ...rest, weightDtype: weights, computeDtype: weights };
}

/**
 * The MTP part of a decode step or prefill iteration, or undefined when the group runs no MTP.
 * @example mtpTiming(ctx, work)?.timeS
 */
export function mtpTiming(ctx: StepContext, work: MicrobatchWork): MtpTiming | undefined {
  const { plan, scenario } = ctx;
  const arch = scenario.model;
  const w = work.groupWorkload;
  if (plan.mtp === undefined || arch.mtpModules === 0) return undefined;
  if (w.phase !== "decode" && w.phase !== "prefill") return undefined;
  // A prefill iteration: one pass of the module over the prompt tokens (the draft-extend).
  const perMicrobatch: ModelWorkload =
    w.phase === "prefill"
      ? w
      : { phase: "decode", sequences: w.sequences, kvTokens: w.kvTokens, tokensPerSequence: 1 };
  const draftRatio = w.phase === "prefill" ? 1 : 1 / work.tokensPerSequence;
  const kind = mtpLayerKind(arch);
  const candidates = kind === "moe" ? work.rankKinds : work.rankKinds.slice(0, 1);
  const withKernels = separateKernelsOf(ctx, work, w.phase);
  let best: { layer: LayerTiming; rank: RankKind["name"] } | undefined;
  for (const rank of candidates) {
    const ops = withKernels(
      mtpOperators(
        arch,
        perMicrobatch,
        scaleExpertTokens(draftOptions(rank.options, plan.mtp.weights), draftRatio),
      ).filter(isLayerOp),
    );
    const comm = layerCollectives(ctx, work, kind, false, draftRatio);
    const layer = layerTimingOf(ctx, ops, comm);
    if (best === undefined || layer.layerS > best.layer.layerS) best = { layer, rank: rank.name };
  }
  if (best === undefined) return undefined;
  const passes = w.phase === "prefill" ? 1 : plan.mtp.draftTokens;
  const full = sharedDevice(ctx, 1);
  const perPass: StepItem[] = [];
  const extraOps = mtpOperators(
    arch,
    scaleWorkload(perMicrobatch, work.microbatches),
    draftOptions(work.base, plan.mtp.weights),
  );
  for (const op of extraOps) {
    if (isLayerOp(op)) continue;
    // The shared head's LM head group collectives (perf/lm-head-group.ts).
    if (op.name.endsWith("head.lm_head")) perPass.push(...lmHeadCollectives(ctx, op));
    perPass.push(timeOperator(op, full));
  }
  // Once per draft pass.
  const extras = perPass.map(
    (item): StepItem => ({
      ...item,
      timeS: item.timeS * passes,
      overheadS: item.overheadS * passes,
      computeS: item.computeS * passes,
      memoryS: item.memoryS * passes,
      ...(item.tensorS !== undefined ? { tensorS: item.tensorS * passes } : {}),
    }),
  );
  let extrasS = 0;
  for (const e of extras) extrasS += e.timeS;
  return {
    timeS: passes * (best.layer.layerS + best.layer.fillS) + extrasS,
    passes,
    layer: best.layer,
    slowestRank: best.rank,
    extras,
  };
}
