/**
 * What Gated DeltaNet (`linear-attention.ts`) and Mamba-2 (`mamba2.ts`) share on one rank: a
 * fixed-size recurrent state and a conv state per sequence, the prefill recurrence timed as one GEMM
 * of its FLOPs, and the gated RMSNorm (output × SiLU(z)) before the output projection.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { outputProjectionOp } from "./attention-core-ops.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { bytesOfHighPrecision, gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { LinearAttentionSpec, Operator } from "./types.ts";

/** The rank's conv state over `channels` convolved channels (the last kernel − 1 inputs per sequence). */
export function convStateBytes(s: LinearAttentionSpec, w: ResolvedWorkload, channels: number): number {
  return (s.convKernel - 1) * channels * w.actBytes * w.sequences;
}

/** The rank's recurrent state: `heads` × key dim × value dim per sequence, in the state format. */
export function recurrentStateBytes(s: LinearAttentionSpec, w: ResolvedWorkload, heads: number): number {
  return heads * s.keyHeadDim * s.valueHeadDim * DTYPE_BYTES[w.linearStateDtype] * w.sequences;
}

/**
 * The chunked prefill recurrence as one GEMM of its FLOPs over the mixer's output width `width`
 * (tensor cores, no weights); it writes the output and the final state.
 */
export function chunkedRecurrenceOp(
  w: ResolvedWorkload,
  name: string,
  flops: number,
  width: number,
  stateBytes: number,
): Operator {
  const T = w.tokens;
  return {
    ...gemmOp(w, {
      name,
      rows: T,
      n: width,
      k: Math.max(1, Math.round(flops / (2 * T * width))),
      weightBytes: 0,
      dtype: w.attentionDtype,
    }),
    bytesWritten: { activations: T * width * w.actBytes, kvCache: stateBytes },
  };
}

/** The gated RMSNorm over the `width` outputs (`normWeights` weight elements) and `out_proj`. */
export function gatedNormOutputOps(
  w: ResolvedWorkload,
  p: string,
  hidden: number,
  width: number,
  normWeights: number,
): Operator[] {
  const T = w.tokens;
  return [
    vectorOp(w, {
      name: `${p}lin.gated_norm`,
      flops: (VECTOR_FLOPS_PER_ELEMENT.rmsNorm + VECTOR_FLOPS_PER_ELEMENT.swiglu) * T * width,
      readElements: 2 * T * width,
      writeElements: T * width,
      weightBytes: normWeights * bytesOfHighPrecision(w.weights),
    }),
    { ...outputProjectionOp(w, p, hidden, width), name: `${p}lin.out_proj` },
  ];
}
