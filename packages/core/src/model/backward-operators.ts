/**
 * Training backward pass, derived from the forward operators (in reverse order):
 * - each GEMM becomes a data-gradient GEMM (`.dgrad`, shape m×k×n: the same FLOPs, reads the
 *   weights and the output gradient) and a weight-gradient GEMM (`.wgrad`, shape n×k×m: the same
 *   FLOPs, reads the saved input and the output gradient, writes fp32 weight gradients), so
 *   backward GEMM FLOPs are 2× forward;
 * - attention cores cost 2.5× forward FLOPs (FlashAttention-2 backward runs five matmuls per
 *   block — recomputed QKᵀ, dV, dP, dQ, dK — against two in forward);
 * - vector and embedding ops read what forward read plus the output gradient, write input
 *   gradients, and cost 2× forward FLOPs.
 */
import type { Operator } from "./types.ts";

/** Bytes per element of weight gradients (accumulated in fp32, as Megatron's main_grad). */
export const WEIGHT_GRADIENT_BYTES = 4;

/** FLOP multiplier of attention backward over forward. */
export const ATTENTION_BACKWARD_FLOPS_RATIO = 2.5;

/**
 * Backward operators for a list of forward operators.
 * @example backwardOperators([gemm]).map((o) => o.name) // ["x.dgrad", "x.wgrad"]
 */
export function backwardOperators(forward: readonly Operator[]): Operator[] {
  const out: Operator[] = [];
  for (let i = forward.length - 1; i >= 0; i--) {
    const op = forward[i];
    if (op !== undefined) out.push(...backwardOf(op));
  }
  return out;
}

function backwardOf(op: Operator): Operator[] {
  const gradOut = op.bytesWritten.activations;
  const input = op.bytesRead.activations;
  switch (op.class) {
    case "gemm":
    case "grouped-gemm": {
      const s = op.shape ?? { m: 0, n: 0, k: 0 };
      const groups = s.groups ?? 1;
      const dgrad: Operator = {
        ...op,
        name: `${op.name}.dgrad`,
        bytesRead: { weights: op.bytesRead.weights, activations: gradOut, kvCache: 0 },
        bytesWritten: { activations: input, kvCache: 0 },
        shape: { ...s, n: s.k, k: s.n },
      };
      const wgrad: Operator = {
        ...op,
        name: `${op.name}.wgrad`,
        bytesRead: { weights: 0, activations: gradOut + input, kvCache: 0 },
        bytesWritten: {
          activations: 0,
          kvCache: 0,
          weightGradients: groups * s.n * s.k * WEIGHT_GRADIENT_BYTES,
        },
        shape: { m: s.n, n: s.k, k: s.m, ...(s.groups !== undefined ? { groups: s.groups } : {}) },
      };
      return [dgrad, wgrad];
    }
    case "attention-prefill":
    case "attention-decode":
      return [
        {
          ...op,
          name: `${op.name}.backward`,
          flops: op.flops * ATTENTION_BACKWARD_FLOPS_RATIO,
          bytesRead: { weights: 0, activations: input + 2 * gradOut, kvCache: 0 },
          bytesWritten: { activations: input, kvCache: 0 },
          ...(op.attention !== undefined && { attention: { ...op.attention, backward: true } }),
        },
      ];
    case "vector":
    case "embedding":
      return [
        {
          ...op,
          name: `${op.name}.backward`,
          flops: op.flops * 2,
          bytesRead: { weights: op.bytesRead.weights, activations: input + gradOut, kvCache: 0 },
          bytesWritten: {
            activations: op.class === "embedding" ? 0 : input,
            kvCache: 0,
            // Vector-op weights (norms, router, embedding) are bf16: 2 bytes per element.
            weightGradients:
              op.bytesRead.weights > 0 ? (op.bytesRead.weights / 2) * WEIGHT_GRADIENT_BYTES : 0,
          },
        },
      ];
    default: {
      const unreachable: never = op.class;
      return unreachable;
    }
  }
}
