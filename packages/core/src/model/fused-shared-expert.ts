/**
 * Shared experts run inside the routed experts' grouped GEMMs (`LayerOperatorOptions.sharedExpertFused`,
 * SGLang's shared-experts fusion): their work joins the routed GEMMs, their own kernels go.
 */
import type { ResolvedWorkload } from "./layer-work.ts";
import type { MoeSpec, Operator } from "./types.ts";

/**
 * A routed grouped GEMM with `experts` fused experts of the same slice shape run inside it on `rows`
 * rows in all: their FLOPs, weights and activations added at the routed groups' tile shape (the
 * routed experts' mean rows per group still size the tiles: one large group is not averaged in).
 * @example withFusedExperts(w, 4, 1, sliceBytes, gateUp).flops // gateUp.flops + 2 × 4 × n × k
 */
export function withFusedExperts(
  w: ResolvedWorkload,
  rows: number,
  experts: number,
  bytesPerExpert: number,
  op: Operator,
): Operator {
  const s = op.shape;
  if (rows <= 0 || experts <= 0 || s === undefined) return op;
  return {
    ...op,
    flops: op.flops + 2 * rows * s.n * s.k,
    bytesRead: {
      ...op.bytesRead,
      weights: op.bytesRead.weights + experts * bytesPerExpert,
      activations: op.bytesRead.activations + rows * s.k * w.actBytes,
    },
    bytesWritten: { ...op.bytesWritten, activations: op.bytesWritten.activations + rows * s.n * w.actBytes },
    ...(op.weightOnlyElements !== undefined && {
      weightOnlyElements: op.weightOnlyElements + experts * s.n * s.k,
    }),
  };
}

/**
 * Whether the shared experts run inside the routed grouped GEMMs (`sharedExpertFused`); they must
 * have a routed expert's shape (DeepSeek-V3: one shared expert of moe_intermediate_size).
 * @example sharedExpertsFused(deepseekR1.moe, { ...w, sharedExpertFused: true }) // true
 */
export function sharedExpertsFused(moe: MoeSpec, w: ResolvedWorkload): boolean {
  if (!w.sharedExpertFused || moe.numSharedExperts <= 0 || w.sharedExpertTokens <= 0) return false;
  if (moe.sharedExpertIntermediateSize !== moe.expertIntermediateSize)
    throw new Error(
      `sharedExpertFused: the shared expert's intermediate size ${moe.sharedExpertIntermediateSize} differs from a routed expert's ${moe.expertIntermediateSize}; it cannot run as one more routed expert`,
    );
  return true;
}
