/**
 * Expert-parallel communication of one MoE layer for one micro-batch on one rank: the dispatch
 * (tokens × top-k copies of the hidden state in the dispatch format) and the combine (in the
 * combine format).
 *
 * Megatron-Core's all-to-all token dispatcher (`MoEAlltoAllTokenDispatcher`, Megatron-LM 92c8482e
 * `moe/token_dispatcher.py`), dropless: `permute` makes tokens × top-k rows, one per routed expert
 * (no per-rank deduplication), and `token_dispatch` sends them with two NCCL `all_to_all_single`
 * calls over the EP group — the hidden states, then the permuted routing probabilities — whose
 * gradients autograd sends back the same way; the combine returns the tokens × top-k expert outputs
 * before `unpermute` sums them. Costed as the fabric model's all-to-all of those copies.
 * Otherwise consecutive EP ranks (tp = cp = 1, or the folded grid of `etp: 1`) use DeepEP/CANN-EP normal kernels with node-level
 * deduplication (Megatron's HybridEP / DeepEP dispatchers, DeepSeek's framework); strided groups an
 * all-to-all of the copies.
 */
import { moeTokenWidth } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { moeCombineTime, moeDispatchTime } from "../network/index.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/** One MoE layer's EP transfers per micro-batch, seconds. */
export interface EpLayerComm {
  readonly dispatchS: number;
  readonly combineS: number;
  /**
   * The permuted probabilities' all-to-all of Megatron-Core's all-to-all dispatcher, paid in the
   * forward and again (their gradient) in the backward; 0 for every other dispatcher.
   */
  readonly probsS: number;
}

/** Bytes of one routing probability on the wire: FP32 (`moe_router_dtype: fp32`; BF16 would be 2; assumption, < 0.1 % of a hidden-state copy). */
const PROB_BYTES = 4;

/**
 * Dispatch, combine and probabilities seconds of one MoE layer (0 without experts or EP).
 * @example epLayerComm(scenario, 4096).dispatchS
 */
export function epLayerComm(s: TrainingScenario, tokensPerRank: number): EpLayerComm {
  const moe = s.model.moe;
  const { ep, tp } = s.layout;
  if (moe === undefined || ep <= 1) return { dispatchS: 0, combineS: 0, probsS: 0 };
  const tokens = tokensPerRank / tp;
  // A latent MoE dispatches its latent projection (Megatron-LM moe_layer.py: fc1_latent_proj runs in
  // `preprocess`, before `dispatch_preprocess`; fc2_latent_proj after the combine).
  const h = moeTokenWidth(s.model);
  const stride = s.layout.epStride;
  const megatronAllToAll = s.framework === "megatron-core" && s.tokenDispatcher === "alltoall";
  if (stride === 1 && !megatronAllToAll) {
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
      probsS: 0,
    };
  }
  const copies = tokens * moe.topK;
  const a2a = (bytes: number) => groupCollectiveS(s.fabricTarget, "all-to-all", bytes, ep, stride);
  return {
    dispatchS: a2a(copies * h * DTYPE_BYTES[s.precision.dispatch]),
    combineS: a2a(copies * h * DTYPE_BYTES[s.precision.combine]),
    probsS: megatronAllToAll ? a2a(copies * PROB_BYTES) : 0,
  };
}
