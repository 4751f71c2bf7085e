/**
 * A grouped GEMM over a contiguous layout sized for the worst case, computed whole. vLLM 0.11's
 * DeepGEMM MoE (`DeepGemmExperts.apply`) permutes the routed pairs into a buffer of
 * `compute_aligned_M` rows — round_up(T·k + localExperts·(A − 1), A), every local expert's rows
 * padded to A, the rest filled with expert 0 — and runs `m_grouped_fp8_gemm_nt_contiguous` over all
 * of it; DeepGEMM's SM100 kernel skips no block (`is_computation_valid` is SM90-only). The kernel's
 * FLOPs and activation traffic are those of the buffer's rows; its weight reads stay the touched
 * experts' (the padding blocks reread one expert, from L2). Applies where the class profile carries
 * `contiguousAlignRows` (an engine overlay) and the operator knows its rank's experts.
 */
import type { Operator } from "../model/index.ts";
import type { ClassProfile } from "./efficiency-profile.ts";

/**
 * Rows the kernel computes: every routed pair of the op's tokens (the pairs of other ranks' experts
 * too, as vLLM sizes the buffer from the whole top-k table) plus A − 1 per local expert, rounded up to
 * a block of A.
 * @example contiguousLayoutRows(64, 64, 128) // 8192
 */
export function contiguousLayoutRows(pairs: number, localGroups: number, align: number): number {
  return Math.ceil((pairs + localGroups * (align - 1)) / align) * align;
}

/**
 * The operator as the kernel runs it (the same object where the mechanism does not apply): M_sum
 * rows in M_sum / A groups of A rows, FLOPs and activation bytes scaled to those rows.
 * @example contiguousLayoutOperator(op, profile.classes["grouped-gemm"]).shape?.groups // 64 for 8 tokens, top-8, 64 local experts
 */
export function contiguousLayoutOperator(op: Operator, cls: ClassProfile): Operator {
  const align = cls.contiguousAlignRows?.value;
  const shape = op.shape;
  if (align === undefined || op.class !== "grouped-gemm" || shape?.localGroups === undefined) return op;
  const rows = shape.m * (shape.groups ?? 1);
  if (rows <= 0) return op;
  const pairs = shape.routedRowsPerGroup !== undefined ? shape.routedRowsPerGroup * shape.localGroups : rows;
  const computed = contiguousLayoutRows(pairs, shape.localGroups, align);
  const scale = computed / rows;
  return {
    ...op,
    flops: op.flops * scale,
    bytesRead: { ...op.bytesRead, activations: op.bytesRead.activations * scale },
    bytesWritten: { ...op.bytesWritten, activations: op.bytesWritten.activations * scale },
    shape: { m: align, n: shape.n, k: shape.k, groups: computed / align },
  };
}
