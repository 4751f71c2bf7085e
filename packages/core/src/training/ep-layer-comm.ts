/**
 * Expert-parallel communication of one MoE layer for one micro-batch on one rank: the dispatch
 * (tokens × top-k copies of the hidden state in the dispatch format) and the combine (in the
 * combine format). Consecutive EP ranks (tp = cp = 1) use DeepEP/CANN-EP normal kernels with
 * node-level deduplication; strided groups an all-to-all of the copies.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { moeCombineTime, moeDispatchTime } from "../network/index.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/**
 * Dispatch and combine seconds of one MoE layer (0 without experts or EP).
 * @example epLayerComm(scenario, 4096).dispatchS
 */
export function epLayerComm(
  s: TrainingScenario,
  tokensPerRank: number,
): { readonly dispatchS: number; readonly combineS: number } {
  const moe = s.model.moe;
  const { ep, tp, cp } = s.layout;
  if (moe === undefined || ep <= 1) return { dispatchS: 0, combineS: 0 };
  const tokens = tokensPerRank / tp;
  const h = s.model.hiddenSize;
  const stride = tp * cp;
  if (stride === 1) {
    const req = {
      system: s.fabricTarget,
      ranks: ep,
      tokensPerRank: tokens,
      topK: moe.topK,
      kernels: "normal" as const,
      routing: { experts: moe.numRoutedExperts, groups: moe.numExpertGroups, topKGroups: moe.topKGroups },
    };
    return {
      dispatchS: moeDispatchTime({ ...req, bytesPerToken: h * DTYPE_BYTES[s.precision.dispatch] }).timeS,
      combineS: moeCombineTime({ ...req, bytesPerToken: h * DTYPE_BYTES[s.precision.combine] }).timeS,
    };
  }
  const copies = tokens * moe.topK * h;
  const a2a = (bytes: number) => groupCollectiveS(s.fabricTarget, "all-to-all", bytes, ep, stride);
  return {
    dispatchS: a2a(copies * DTYPE_BYTES[s.precision.dispatch]),
    combineS: a2a(copies * DTYPE_BYTES[s.precision.combine]),
  };
}
