/**
 * Operators every attention form shares: the fused attention core (scores, softmax, values) with
 * its FLOPs and traffic, rotary embedding, the KV-cache write of the new tokens, and the shape the
 * attention-kernel model reads (queries, heads, head dims, keys per query, causality).
 */
import type { ResolvedWorkload } from "./layer-work.ts";
import { gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { AttentionShape, Operator } from "./types.ts";

/** What the attention core computes and moves, in FLOPs and bytes. */
export interface CoreTraffic {
  readonly flops: number;
  readonly activationsReadBytes: number;
  readonly kvCacheReadBytes: number;
  readonly activationsWrittenBytes: number;
  readonly shape: AttentionShape;
}

/** The attention core (scores, softmax, values) as one fused kernel. */
export function coreOp(w: ResolvedWorkload, p: string, t: CoreTraffic): Operator {
  return {
    name: `${p}attn.core`,
    class: w.forwardPhase === "decode" ? "attention-decode" : "attention-prefill",
    dtype: w.attentionDtype,
    flops: t.flops,
    bytesRead: { weights: 0, activations: t.activationsReadBytes, kvCache: t.kvCacheReadBytes },
    bytesWritten: { activations: t.activationsWrittenBytes, kvCache: 0 },
    attention: t.shape,
    kernels: 1,
  };
}

/** The output projection every form ends with: the `inputWidth` head outputs of a token back to `hidden`. */
export function outputProjectionOp(
  w: ResolvedWorkload,
  p: string,
  hidden: number,
  inputWidth: number,
): Operator {
  return gemmOp(w, {
    component: "attention-output",
    name: `${p}attn.o_proj`,
    rows: w.tokens,
    n: hidden,
    k: inputWidth,
  });
}

/** Rotary embedding over `elements` query/key elements. */
export function rotaryOp(w: ResolvedWorkload, p: string, elements: number): Operator {
  return vectorOp(w, {
    name: `${p}attn.rotary`,
    flops: VECTOR_FLOPS_PER_ELEMENT.rotary * elements,
    readElements: elements,
    writeElements: elements,
  });
}

/** Writing the new tokens' `elementsPerToken` cache elements; nothing when no token is written. */
export function kvCacheWriteOps(
  w: ResolvedWorkload,
  p: string,
  elementsPerToken: number,
  bytesPerToken = elementsPerToken * w.kvBytes,
): Operator[] {
  if (w.kvWriteTokens <= 0) return [];
  return [
    vectorOp(w, {
      name: `${p}attn.kv_cache_write`,
      flops: 0,
      readElements: w.kvWriteTokens * elementsPerToken,
      writeElements: 0,
      kvWriteBytes: w.kvWriteTokens * bytesPerToken,
    }),
  ];
}

/**
 * What the attention core attends: per-query keys from the pair count; prefill and training are
 * causal (a full-square prefill is not: no diagonal tile is half masked); decode says its query
 * tokens per sequence.
 */
export function attentionShape(
  w: ResolvedWorkload,
  heads: number,
  qkHeadDim: number,
  vHeadDim: number,
): AttentionShape {
  const decode = w.forwardPhase === "decode";
  return {
    queries: w.tokens,
    heads,
    qkHeadDim,
    vHeadDim,
    meanKeysPerQuery: w.tokens > 0 ? w.attendedTokenPairs / w.tokens : 0,
    causal: !decode && !w.fullSquarePrefill,
    ...(decode && w.sequences > 0 && { queryTokensPerSequence: w.tokens / w.sequences }),
    ...(decode && w.chunkMasked === true && { chunkMasked: true }),
  };
}
