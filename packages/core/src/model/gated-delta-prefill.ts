/**
 * The Gated DeltaNet prefill recurrence as flash-linear-attention's chunked kernel chain runs it
 * (`chunk_gated_delta_rule_fwd`, copied into vLLM and SGLang as fla/ops/chunk.py): six Triton kernels —
 * chunk_local_cumsum (the gates), chunk_scaled_dot_kkt (A = β·K·Kᵀ per chunk, FP32), solve_tril
 * ((I + A)⁻¹, written in the input format), recompute_w_u (the WY representation w = A·(β·K·e^g),
 * u = A·(β·V)), chunk_gated_delta_rule_fwd_h (the state carried from chunk to chunk, one state snapshot
 * h written per chunk, v_new = u − w·h) and chunk_fwd_o (o = Q·h + the intra-chunk part). Not one GEMM
 * of its FLOPs: every intermediate goes through memory, and the state kernel walks each sequence's
 * chunks one after another.
 *
 * - bytes (per token): per value head, A written in FP32 and read, written again in the input format
 *   and read, V read, w and u written and read, v_new written and read, h (dk × dv per chunk of 64)
 *   written and read, o written; per key head, K read by four kernels and Q by one (value heads that
 *   share a key head reuse it through L2: an assumption). The per-head gates (g, β) are left out (< 1 %).
 * - the walk: the state kernel's grid is (dv ÷ BV) × sequences × value heads, BV = 32 (vLLM PR 25393:
 *   "grid size is 32" for Qwen3-Next's 8 value heads per rank); each program walks its sequence's chunks
 *   in turn. One program per SM at a time is assumed, so the walk takes ⌈programs ÷ SMs⌉ × chunks × the
 *   profile's `chunkStepUs` (perf/operator-time-terms.ts).
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import type { Operator } from "./types.ts";

/** Tokens per chunk of the chunked gated delta rule (flash-linear-attention's `chunk_size`). */
export const DELTA_RULE_CHUNK = 64;
/** Value columns per program of the state kernel (BV of chunk_gated_delta_rule_fwd_h). */
export const DELTA_RULE_STATE_BLOCK = 32;
/** Kernels of the chain after the q / k L2 norm: cumsum, kkt, solve_tril, recompute_w_u, fwd_h, fwd_o. */
export const DELTA_RULE_KERNELS = 6;

/** One prefill call of the chain on one rank. */
export interface GatedDeltaPrefillShape {
  readonly tokens: number;
  /** Sequences in the call; their tokens are taken as equal (chunks per sequence = ⌈tokens ÷ sequences ÷ 64⌉). */
  readonly sequences: number;
  /** Tokens of the longest sequence where their lengths differ: its chunks set the walk. Absent: tokens ÷ sequences. */
  readonly longestSequence?: number;
  readonly keyHeads: number;
  readonly valueHeads: number;
  readonly keyHeadDim: number;
  readonly valueHeadDim: number;
  /** Format of q, k, v and of the intermediates FLA writes in the input format (A after the solve, w, u, h, o). */
  readonly dtype: Dtype;
}

/**
 * FLOPs per token per value head of the chunked gated delta rule: per chunk of c tokens, K·Kᵀ and Q·Kᵀ
 * (2c²dk each), the triangular solve (≈ c³/3), W = A·K and U = A·V (2c²dk + 2c²dv), the intra-chunk
 * output (2c²dv), W·S, Q·S and the state update Kᵀ·U' (2c·dk·dv each); divided by c.
 * @example chunkedDeltaRuleFlopsPerTokenHead(128, 128) // ≈ 181,589
 */
export function chunkedDeltaRuleFlopsPerTokenHead(dk: number, dv: number): number {
  const c = DELTA_RULE_CHUNK;
  return 6 * dk * dv + c * (6 * dk + 4 * dv) + (c * c) / 3;
}

/**
 * Bytes the chain moves per token (see the file comment), read and written.
 * @example gatedDeltaPrefillBytesPerToken({ keyHeads: 2, valueHeads: 8, keyHeadDim: 128, valueHeadDim: 128, dtype: "bf16", tokens: 1, sequences: 1 }) // { read: 17,920, written: 15,360 }
 */
export function gatedDeltaPrefillBytesPerToken(s: GatedDeltaPrefillShape): { read: number; written: number } {
  const e = DTYPE_BYTES[s.dtype];
  const c = DELTA_RULE_CHUNK;
  const a32 = c * 4;
  const a = c * e;
  const k = s.keyHeadDim * e;
  const v = s.valueHeadDim * e;
  const h = (s.keyHeadDim * s.valueHeadDim * e) / c;
  // Per value head. Read: A (FP32) by solve_tril, V and A by recompute_w_u, w and u by fwd_h, v_new
  // and h by fwd_o. Written: A (FP32), A, w, u, v_new, h, o.
  const perValueRead = a32 + v + a + k + v + v + h;
  const perValueWritten = a32 + a + k + v + v + h + v;
  // Per key head: K by kkt, recompute_w_u, fwd_h and fwd_o; Q by fwd_o.
  const perKeyRead = 4 * k + s.keyHeadDim * e;
  return {
    read: s.valueHeads * perValueRead + s.keyHeads * perKeyRead,
    written: s.valueHeads * perValueWritten,
  };
}

/** The state kernel's programs and the chunks each walks in turn. */
export function gatedDeltaChunkWalk(s: GatedDeltaPrefillShape): { programs: number; steps: number } {
  const sequences = Math.max(1, s.sequences);
  return {
    programs: sequences * s.valueHeads * Math.ceil(s.valueHeadDim / DELTA_RULE_STATE_BLOCK),
    steps: Math.ceil((s.longestSequence ?? s.tokens / sequences) / DELTA_RULE_CHUNK),
  };
}

/**
 * The chain as one operator: its FLOPs on the tensor engine (a GEMM of rows = tokens over the output
 * width), its bytes, six launches and the state kernel's walk; `stateBytes` (the final state of every
 * sequence) written beside.
 * @example gatedDeltaPrefillOperator("lin.delta_rule", { tokens: 65536, sequences: 1, keyHeads: 2, valueHeads: 8, keyHeadDim: 128, valueHeadDim: 128, dtype: "bf16" }, 0).chunkWalk // { programs: 32, steps: 1024 }
 */
export function gatedDeltaPrefillOperator(
  name: string,
  s: GatedDeltaPrefillShape,
  stateBytes: number,
): Operator {
  const T = s.tokens;
  const width = s.valueHeads * s.valueHeadDim;
  const flops = chunkedDeltaRuleFlopsPerTokenHead(s.keyHeadDim, s.valueHeadDim) * T * s.valueHeads;
  const bytes = gatedDeltaPrefillBytesPerToken(s);
  return {
    name,
    class: "gemm",
    dtype: s.dtype,
    flops,
    bytesRead: { weights: 0, activations: T * bytes.read, kvCache: 0 },
    bytesWritten: { activations: T * bytes.written, kvCache: stateBytes },
    shape: { m: T, n: width, k: Math.max(1, Math.round(flops / (2 * Math.max(1, T) * width))) },
    kernels: DELTA_RULE_KERNELS,
    chunkWalk: gatedDeltaChunkWalk(s),
  };
}
