/**
 * Sequence parallelism (Korthikanti et al. 2022, arXiv:2205.05198 §4.2.2): outside the
 * tensor-parallel GEMMs the activations are split along the sequence, so each of the tp ranks runs
 * the layer norms (with the residual adds fused into them here) and dropout on tokens / tp. The
 * layer operator graphs time those norms on every token of the micro-batch (right for plain
 * tensor parallelism, where they are replicated); under SP one rank's norm is its 1/tp share.
 */
import type { Operator } from "../model/index.ts";

/** The hidden-size norms (and residual adds) of a decoder layer, the model head and MTP, forward and backward. */
const SEQUENCE_SHARDED = /(?:^|\.)(?:input_norm|post_attention_norm|final_norm|enorm_hnorm)(?:\.backward)?$/;

/**
 * `op` as one rank runs it under sequence parallelism over `tp` ranks (unchanged when not sharded).
 * @example sequenceParallelShard(inputNorm, 4).bytesRead.activations // a quarter of inputNorm's
 */
export function sequenceParallelShard(op: Operator, tp: number): Operator {
  if (tp <= 1 || op.class !== "vector" || !SEQUENCE_SHARDED.test(op.name)) return op;
  return {
    ...op,
    flops: op.flops / tp,
    bytesRead: { ...op.bytesRead, activations: op.bytesRead.activations / tp },
    bytesWritten: { ...op.bytesWritten, activations: op.bytesWritten.activations / tp },
  };
}
