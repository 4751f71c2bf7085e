/**
 * DeepSeek Sparse Attention (DSA, DeepSeek-V3.2): a "lightning indexer" scores every cached token
 * for each query, and the MLA core then attends only the top-k of them (`index_topk`, 2,048).
 * Read from DeepSeek's reference code (deepseek-ai/DeepSeek-V3.2-Exp, inference/model.py,
 * `class Indexer`):
 *
 * - `wq_b`: the query latent (q_lora_rank) → index_n_heads × index_head_dim (BF16 weights);
 * - `wk`: the hidden state → one index_head_dim key per token (shared by all index heads), then a
 *   LayerNorm; `weights_proj`: the hidden state → one weight per index head;
 * - the key cache: index_head_dim FP8 values plus one FP32 scale per token and layer;
 * - rotary embedding of the first qk_rope_head_dim values of the query heads and the key, then a
 *   Walsh–Hadamard rotation (`rotate_activation`) of the query and of the key before both are
 *   quantised to FP8, and the head gates (`weights_proj` output × the query's scale × the softmax
 *   scale), each its own kernel (SGLang's CUDA path alike: `Indexer.forward_cuda` /
 *   `_get_q_k_bf16` in python/sglang/srt/layers/attention/nsa/nsa_indexer.py: one rope kernel for
 *   query and key, `hadamard_transform` once for each, the gate scaling after the streams join);
 * - the scores: FP8 q·k for every (query, cached key) pair and head, ReLU, weighted sum over the
 *   heads (DeepGEMM's `fp8_mqa_logits` / `fp8_paged_mqa_logits`), then a top-k over each query's
 *   scores.
 *
 * The scores run in INT8 where the deployment's GEMM math is INT8 (Ascend's
 * `npu_quant_lightning_indexer` on Atlas A3: per-token-head INT8 query and key, cann-recipes-infer /
 * ops-transformer `quant_lightning_indexer` docs), in FP8 otherwise (the reference kernels).
 *
 * The core then sees the workload of a layer that attends at most top-k keys per query and reads at
 * most top-k cached tokens per sequence (`windowedWorkload`, as a sliding window caps it). For
 * prefill that is a lower bound on the cache traffic: each query gathers its own top-k rows.
 */

import type { Dtype } from "../hardware/index.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { MlaSparseSpec, Operator } from "./types.ts";

/** Bytes of the indexer's key cache per token and layer: FP8 values and one FP32 scale. */
export function indexerKeyBytesPerToken(s: MlaSparseSpec): number {
  return s.indexHeadDim + 4;
}

/**
 * The indexer of one layer on one rank: projections, key norm and cache write, rotary and Hadamard
 * rotation of query and key, head gates, the FP8 scores over every attended (query, key) pair, and
 * the top-k selection. Index heads are not split over TP (the reference code replicates the
 * indexer), so each rank scores all heads for its tokens. `ropeDim` is the model's
 * qk_rope_head_dim (the reference indexer's `rope_head_dim`).
 * @example indexerOperators(s, 1536, 7168, 64, w, "").map((o) => o.name)
 */
export function indexerOperators(
  s: MlaSparseSpec,
  qLoraRank: number,
  hidden: number,
  ropeDim: number,
  w: ResolvedWorkload,
  p: string,
): Operator[] {
  const T = w.tokens;
  const heads = s.indexHeads;
  const d = s.indexHeadDim;
  const keyBytes = indexerKeyBytesPerToken(s);
  const ops: Operator[] = [
    gemmOp(w, { component: "attention", name: `${p}attn.indexer.wq_b`, rows: T, n: heads * d, k: qLoraRank }),
    gemmOp(w, {
      component: "attention",
      name: `${p}attn.indexer.wk_weights`,
      rows: T,
      n: d + heads,
      k: hidden,
    }),
    vectorOp(w, {
      name: `${p}attn.indexer.k_norm_quant`,
      flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * T * d,
      readElements: T * (d + heads * d),
      writeElements: T * heads * d,
      kvWriteBytes: w.kvWriteTokens * keyBytes,
      kernels: 2,
    }),
    ...queryKeyPrepOps(T, heads, d, ropeDim, w, p),
  ];
  const pairs = w.attendedTokenPairs;
  const keysRead = w.kvReadTokens;
  ops.push({
    name: `${p}attn.indexer.scores`,
    class: "gemm",
    dtype: indexerScoresDtype(w),
    flops: 2 * pairs * heads * d,
    bytesRead: { weights: 0, activations: T * heads * (d + 4), kvCache: keysRead * keyBytes },
    bytesWritten: { activations: pairs * 4, kvCache: 0 },
    shape: { m: T * heads, n: T > 0 ? pairs / T : 0, k: d },
    kernels: 1,
  });
  ops.push(
    vectorOp(w, {
      name: `${p}attn.indexer.topk`,
      flops: pairs,
      readElements: pairs * 2,
      writeElements: T * Math.min(s.topK, T > 0 ? pairs / T : 0),
    }),
  );
  return ops;
}

/**
 * The small kernels between the projections and the scores: one rotary kernel over the rope part
 * of every query head and of the key, one Hadamard rotation each for the query and the key
 * (log2(d) butterfly stages of an add or subtract per element), and the head-gate scaling.
 */
function queryKeyPrepOps(
  T: number,
  heads: number,
  d: number,
  ropeDim: number,
  w: ResolvedWorkload,
  p: string,
): Operator[] {
  const ropeElements = T * (heads + 1) * Math.min(ropeDim, d);
  const rotated = T * (heads + 1) * d;
  return [
    vectorOp(w, {
      name: `${p}attn.indexer.rotary`,
      flops: VECTOR_FLOPS_PER_ELEMENT.rotary * ropeElements,
      readElements: ropeElements,
      writeElements: ropeElements,
    }),
    vectorOp(w, {
      name: `${p}attn.indexer.hadamard`,
      flops: Math.log2(Math.max(2, d)) * rotated,
      readElements: rotated,
      writeElements: rotated,
      kernels: 2,
    }),
    vectorOp(w, {
      name: `${p}attn.indexer.head_gates`,
      flops: 2 * T * heads,
      readElements: 2 * T * heads,
      writeElements: T * heads,
    }),
  ];
}

/** INT8 where the deployment computes in INT8 (W8A8 on Ascend), FP8 (the reference) otherwise. */
export function indexerScoresDtype(w: ResolvedWorkload): Dtype {
  return w.computeDtype === "int8" ? "int8" : "fp8";
}
