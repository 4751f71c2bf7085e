/**
 * Communication of one micro-batch through one pipeline stage, per parallelism, forward and
 * backward, with how much of it computation hides:
 * - TP (Megatron-Core, Transformer Engine): per TP block (a layer's mixer, its dense FFN) an
 *   all-gather and a reduce-scatter of the block's activations (tokens × hidden, bf16) with sequence
 *   parallelism, an all-reduce without; backward as `tp-comm.ts` says (what runs beside its own
 *   GEMMs, or under the stage's compute with `overlap.tp`).
 * - CP ring: each rank passes its K/V block around the ring (cp − 1 sends forward, K/V and their
 *   gradients backward), overlapped with the attention core; all-gather (Llama 3, arXiv:2407.21783
 *   §3.3.2): K and V of the whole sequence all-gathered before the local attention and their
 *   gradients reduce-scattered after its backward, on the critical path ("the all-gather
 *   communication latency is exposed"); all-to-all (Ulysses): Q, K, V and the output re-split by
 *   heads, exposed.
 * - EP: dispatch and combine per MoE layer forward, and their transposes backward. Exposed unless
 *   `overlap.ep` (DualPipe-style: hidden under the other micro-batch's compute of the layer).
 * Full recomputation repeats the forward TP/CP collectives in backward.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import type { ComputeTimes } from "./operator-times.ts";
import type { PipelineCompute } from "./stage-compute.ts";
import { tpComm } from "./tp-comm.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/** Seconds per micro-batch on the bottleneck stage. */
export interface CommPart {
  readonly totalS: number;
  readonly exposedS: number;
}

export interface MicrobatchComm {
  readonly tp: CommPart;
  readonly cp: CommPart;
  readonly ep: CommPart;
  /** Exposed seconds added to forward and to backward of one micro-batch. */
  readonly exposedForwardS: number;
  readonly exposedBackwardS: number;
}

const BF16 = DTYPE_BYTES.bf16;

function layerCompute(t: ComputeTimes | undefined): number {
  return t === undefined ? 0 : t.forwardS + t.backwardDataS + t.backwardWeightS;
}

function cpComm(s: TrainingScenario, c: PipelineCompute): { fwd: number; bwd: number } {
  const { cp, tp } = s.layout;
  if (cp <= 1) return { fwd: 0, bwd: 0 };
  const a = s.model.attention;
  const heads = a.kind === "gqa" ? Math.max(1, a.numKvHeads / tp) : a.numHeads / tp;
  const dims = a.kind === "gqa" ? 2 * a.headDim : a.qkNopeHeadDim + a.qkRopeHeadDim + a.vHeadDim;
  const layers = c.bottleneck.layers;
  const kvBytes = c.tokensPerRank * heads * dims * BF16;
  if (s.layout.cpAlgorithm === "ring") {
    const hop = groupCollectiveS(s.fabricTarget, "send-recv", kvBytes, 2, tp);
    return { fwd: layers * (cp - 1) * hop, bwd: layers * (cp - 1) * 2 * hop };
  }
  if (s.layout.cpAlgorithm === "all-gather") {
    // The gathered K/V (cp blocks) forward; dK/dV reduce-scattered back to their owners backward.
    const gather = groupCollectiveS(s.fabricTarget, "all-gather", cp * kvBytes, cp, tp);
    const scatter = groupCollectiveS(s.fabricTarget, "reduce-scatter", cp * kvBytes, cp, tp);
    const regather = s.recompute === "full" ? gather : 0;
    return { fwd: layers * gather, bwd: layers * (scatter + regather) };
  }
  const qHeads = a.numHeads / tp;
  const qDims = a.kind === "gqa" ? a.headDim : a.qkNopeHeadDim + a.qkRopeHeadDim;
  const elements = qHeads * qDims + heads * dims + s.model.hiddenSize / tp;
  const bytes = c.tokensPerRank * elements * BF16;
  const t = groupCollectiveS(s.fabricTarget, "all-to-all", bytes, cp, tp);
  return { fwd: layers * t, bwd: layers * t };
}

function epComm(c: PipelineCompute): { fwd: number; bwd: number } {
  if (c.bottleneck.moeLayers === 0) return { fwd: 0, bwd: 0 };
  const { dispatchS, combineS, probsS } = c.epLayer;
  // Backward sends the combine's gradient as a dispatch and the dispatch's as a combine (bf16);
  // Megatron's all-to-all dispatcher also sends the probabilities and their gradient.
  const layers = c.bottleneck.moeLayers;
  return { fwd: layers * (dispatchS + combineS + probsS), bwd: layers * (2 * combineS + probsS) };
}

/**
 * Communication of one micro-batch on the bottleneck stage.
 * @example microbatchComm(scenario, pipelineCompute(scenario)).tp.exposedS
 */
export function microbatchComm(s: TrainingScenario, c: PipelineCompute): MicrobatchComm {
  const st = c.bottleneck;
  const tp = tpComm(s, c);
  const cp = cpComm(s, c);
  let cpExposedF = cp.fwd;
  let cpExposedB = cp.bwd;
  if (s.layout.cpAlgorithm === "ring") {
    // Each ring step's transfer runs under the attention core of the block already received.
    cpExposedF = Math.max(0, cp.fwd - st.attentionForwardS);
    cpExposedB = Math.max(0, cp.bwd - st.attentionBackwardS);
  }
  const ep = epComm(c);
  let epExposedF = ep.fwd;
  let epExposedB = ep.bwd;
  if (s.overlap.ep) {
    const moeCompute = layerCompute(c.perLayer.moe) * st.moeLayers;
    const hidden = Math.min(ep.fwd + ep.bwd, moeCompute);
    const exposed = ep.fwd + ep.bwd - hidden;
    const fwdShare = ep.fwd + ep.bwd > 0 ? ep.fwd / (ep.fwd + ep.bwd) : 0;
    epExposedF = exposed * fwdShare;
    epExposedB = exposed - epExposedF;
  }
  return {
    tp: { totalS: tp.totalS, exposedS: tp.exposedForwardS + tp.exposedBackwardS },
    cp: { totalS: cp.fwd + cp.bwd, exposedS: cpExposedF + cpExposedB },
    ep: { totalS: ep.fwd + ep.bwd, exposedS: epExposedF + epExposedB },
    exposedForwardS: tp.exposedForwardS + cpExposedF + epExposedF,
    exposedBackwardS: tp.exposedBackwardS + cpExposedB + epExposedB,
  };
}
