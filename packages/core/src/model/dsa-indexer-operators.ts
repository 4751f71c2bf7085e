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
 * The indexer's format is the workload's `indexerDtype`: FP8 in the reference kernels (DeepGEMM),
 * INT8 where a deployment quantises it (Ascend's `npu_quant_lightning_indexer`: per-token-head INT8
 * query and key, cann-recipes-infer W8A8C8), BF16 where the engine runs the unquantised indexer
 * (vLLM-Ascend's `npu_lightning_indexer` unless `enable_sparse_li_c8` is set). One-byte formats keep
 * a 4-byte scale per cached key; wider ones store the key as is.
 *
 * The core (`sparseCoreWorkload`) attends at most top-k keys per query. Each query token gathers its
 * own top-k rows of the latent cache: FlashMLA's sparse decode takes indices per (sequence, query
 * token) and Ascend's SparseFlashAttention per query token, so a decode step verifying MTP drafts
 * reads up to (1 + drafts) × top-k rows per sequence (Huawei's DeepSeek-V3.2-Exp inference guide:
 * "MTP1 moves twice the KV cache" of SFA). In prefill the gathered rows overlap heavily between
 * neighbouring queries and are served from cache, so the read is bounded there by top-k tokens per
 * sequence, a lower bound.
 */

import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { MlaSparseSpec, Operator } from "./types.ts";

/**
 * Bytes of the indexer's key cache per token and layer: one-byte values (FP8, INT8) with one FP32
 * scale, or the values alone in a wider format.
 * @example indexerKeyBytesPerToken({ indexHeads: 64, indexHeadDim: 128, topK: 2048 }, "fp8") // 132
 * @example indexerKeyBytesPerToken({ indexHeads: 64, indexHeadDim: 128, topK: 2048 }, "bf16") // 256
 */
export function indexerKeyBytesPerToken(s: MlaSparseSpec, dtype: Dtype): number {
  const bytes = DTYPE_BYTES[dtype];
  return bytes <= 1 ? s.indexHeadDim * bytes + 4 : s.indexHeadDim * bytes;
}

/**
 * The workload the sparse MLA core sees: at most top-k attended keys per query token (exactly top-k
 * in a prefill whose kernel runs the padded width, `dsaFullTopK`); cache rows
 * read: in decode each query token gathers min(context, top-k) rows of its own, in prefill at most
 * top-k per sequence (see the file comment).
 * @example sparseCoreWorkload(w, 2048).kvReadTokens // decode, 1 sequence × 3 query tokens, 64K context: 6144
 */
export function sparseCoreWorkload(w: ResolvedWorkload, topK: number): ResolvedWorkload {
  // A kernel given no per-token top-k length runs every prefill query over the whole top-k width.
  const fullWidth = w.dsaFullTopK && w.forwardPhase !== "decode";
  const pairs = fullWidth ? w.tokens * topK : Math.min(w.attendedTokenPairs, w.tokens * topK);
  const perQuery = w.forwardPhase === "decode" && w.sequences > 0 ? w.tokens / w.sequences : 1;
  const kvRead = Math.min(
    w.kvReadTokens * perQuery,
    (w.forwardPhase === "decode" ? w.tokens : w.sequences) * topK,
  );
  return { ...w, attendedTokenPairs: pairs, kvReadTokens: kvRead };
}

/**
 * The indexer of one layer on one rank: projections, key norm and cache write, rotary and Hadamard
 * rotation of query and key, head gates, the FP8 scores over every attended (query, key) pair, and
 * the top-k selection. Index heads are not split over TP (the reference code replicates the
 * indexer), so each rank scores all heads for its tokens. `ropeDim` is the model's
 * qk_rope_head_dim (the reference indexer's `rope_head_dim`). Without `ownKeyProjection` the keys
 * come from elsewhere (DeepSeek-V4's indexer compressor) and only `weights_proj` is projected here.
 * @example indexerOperators(s, 1536, 7168, 64, w, "").map((o) => o.name)
 */
export function indexerOperators(
  s: MlaSparseSpec,
  qLoraRank: number,
  hidden: number,
  ropeDim: number,
  w: ResolvedWorkload,
  p: string,
  ownKeyProjection = true,
): Operator[] {
  const T = w.tokens;
  const heads = s.indexHeads;
  const d = s.indexHeadDim;
  // Bytes of one cached key, and of one query head's vector (stored the same way).
  const keyBytes = indexerKeyBytesPerToken(s, w.indexerDtype);
  const ops: Operator[] = [
    gemmOp(w, { component: "attention", name: `${p}attn.indexer.wq_b`, rows: T, n: heads * d, k: qLoraRank }),
    gemmOp(w, {
      component: "attention",
      name: ownKeyProjection ? `${p}attn.indexer.wk_weights` : `${p}attn.indexer.weights_proj`,
      rows: T,
      n: (ownKeyProjection ? d : 0) + heads,
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
    dtype: w.indexerDtype,
    flops: 2 * pairs * heads * d,
    bytesRead: { weights: 0, activations: T * heads * keyBytes, kvCache: keysRead * keyBytes },
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
