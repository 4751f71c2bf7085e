/**
 * What overlapping tensor-parallel communication with GEMMs costs the GEMMs themselves
 * (`overlap.tp` with sequence parallelism: Transformer Engine's userbuffers overlap, which
 * Megatron's `tp_comm_overlap` turns on).
 *
 * The ring-exchange method (TE `CommOverlapP2PBase::split_overlap_ag` / `split_overlap_rs`, used by
 * Megatron-Bridge's userbuffers configurations for `qkv_fprop`, `fc1_fprop`, `proj_dgrad`,
 * `fc2_dgrad` and, in the FP8 configurations, `proj_fprop` and `fc2_fprop`) does not run the
 * sharded GEMM once: it runs tp GEMMs of 1/tp of the token rows each, one per ring step, while the
 * next shard is sent and received. The chunks go to up to `NVTE_COMM_OVERLAP_MAX_STREAMS` (3)
 * compute streams, and chunk i + 1 can start only when its shard has arrived, one ring step (one
 * [tokens, hidden] shard over the TP link) after chunk i's; the ring steps run one after another.
 * So the chunks in flight are s = clamp(chunk GEMM alone / ring step, 1, min(3, tp)), and the GEMM
 * is timed as tp/s launches of a GEMM with s/tp of the rows (concurrent chunks fill the SMs as one
 * GEMM of their rows would). What is lost is the waves and tiles of the narrower GEMMs: large on a
 * 132-SM H100 at TP 8 when the link keeps pace with only one or two chunks, small on Blackwell.
 *
 * Which GEMMs: the forward of every tensor-parallel GEMM of the attention and dense FFN blocks
 * (its input is all-gathered or its output reduce-scattered), and the data gradient of the
 * row-parallel ones (`o_proj`, `down_proj`: their output gradient is all-gathered). The
 * column-parallel data gradients and all weight gradients use bulk overlaps that do not split
 * the GEMM (their SM reservation is not modelled). Expert GEMMs are not split (expert tensor
 * parallelism is 1 in every layout here).
 */
import type { Operator } from "../model/index.ts";

/** Compute streams TE spreads the ring-exchange GEMM chunks over (NVTE_COMM_OVERLAP_MAX_STREAMS). */
export const TP_OVERLAP_MAX_STREAMS = 3;

const SPLIT_FORWARD = /^(?:mtp\d*\.)?(?:attn\.(?:qkv_proj|o_proj)|ffn\.(?:gate_up_proj|down_proj))$/;
const SPLIT_DGRAD = /^(?:mtp\d*\.)?(?:attn\.o_proj|ffn\.down_proj)\.dgrad$/;

/** True when the ring-exchange overlap splits this operator's GEMM into tp chunks. */
export function ringExchangeSplit(op: Operator): boolean {
  return op.class === "gemm" && (SPLIT_FORWARD.test(op.name) || SPLIT_DGRAD.test(op.name));
}

/**
 * The chunk GEMM one launch runs, and how many launches replace the whole GEMM; undefined when the
 * GEMM is not split (tp 1, no overlap, or an operator the ring exchange does not touch).
 * `inFlight` is how many chunks run at once (1 … min(3, tp); default the stream limit).
 * @example ringExchangeChunk(qkv, 8, 2) // { chunk: qkv with 2/8 of the rows, launches: 4 }
 */
export function ringExchangeChunk(
  op: Operator,
  tp: number,
  inFlight: number = TP_OVERLAP_MAX_STREAMS,
): { readonly chunk: Operator; readonly launches: number } | undefined {
  if (tp <= 1 || op.shape === undefined || !ringExchangeSplit(op)) return undefined;
  const share = Math.min(Math.max(1, inFlight), TP_OVERLAP_MAX_STREAMS, tp) / tp;
  const chunk: Operator = {
    ...op,
    flops: op.flops * share,
    bytesRead: {
      weights: op.bytesRead.weights,
      activations: op.bytesRead.activations * share,
      kvCache: op.bytesRead.kvCache,
    },
    bytesWritten: { ...op.bytesWritten, activations: op.bytesWritten.activations * share },
    shape: { ...op.shape, m: op.shape.m * share },
  };
  return { chunk, launches: 1 / share };
}

/**
 * Chunks in flight: how many ring steps one chunk GEMM alone lasts, between 1 and min(3, tp).
 * @example chunksInFlight(40e-6, 28e-6, 8) // ≈ 1.43
 */
export function chunksInFlight(chunkAloneS: number, ringStepS: number, tp: number): number {
  const cap = Math.min(TP_OVERLAP_MAX_STREAMS, tp);
  if (!(ringStepS > 0)) return cap;
  return Math.min(cap, Math.max(1, chunkAloneS / ringStepS));
}
