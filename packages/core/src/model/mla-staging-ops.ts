/**
 * The copies an engine runs around the absorbed sparse MLA prefill kernel (`dsaStagingCopies`), as
 * vLLM's FLASHMLA_SPARSE backend does (vllm/v1/attention/backends/mla/flashmla_sparse.py; with a
 * one-byte cache the separate prefill path of vLLM PR 27532):
 *
 * - `forward_mqa` concatenates the absorbed query (kv_lora_rank wide) and its RoPE part into one
 *   576-wide tensor (`torch.cat`);
 * - `triton_convert_req_index_to_global_index` rewrites each query's top-k indices (int32) to cache
 *   slots, or to workspace offsets on the separate path;
 * - `_bf16_flash_mla_kernel` copies the query into a buffer of the padded head count when the rank's
 *   heads are not a multiple of the kernel's (`q.new_empty` + slice assignment: the padding heads are
 *   not written);
 * - with a one-byte cache (`fp8_ds_mla`) and at least `MIN_HEADS_FOR_BF16_PREFILL` heads per rank,
 *   `cp_gather_and_upconvert_fp8_kv_cache` gathers each prompt's whole cached context into a BF16
 *   workspace, and the kernel's output, sliced back to the rank's heads, is copied into the result
 *   tensor (`attn_out[chunk.tokens_slice] = …`). Below that head count vLLM runs the FP8 decode
 *   kernel over the whole batch instead (mixed-batch mode), which is not modelled.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { MlaLatentCacheBytes } from "./kv-cache.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { vectorOp } from "./operator-builder.ts";
import type { AttentionSpec, Operator } from "./types.ts";

type Mla = Extract<AttentionSpec, { kind: "mla" }>;

/** vLLM's threshold for the separate FP8 prefill path (flashmla_sparse.py `MIN_HEADS_FOR_BF16_PREFILL`). */
const MIN_HEADS_FOR_BF16_PREFILL = 32;
/** Bytes of one top-k index (int32). */
const INDEX_BYTES = 4;

/**
 * The staging copies of one layer's sparse prefill on one rank: `hr` heads of the rank, `kernelHeads`
 * the kernel runs, `gatheredTokens` the prompts' tokens in the cache (context and new), `entry` one
 * cached latent's bytes, `topK` the indexer's width.
 * @example mlaStagingOps(a, w, "", 64, 128, 20480, entry, 2048).map((o) => o.name) // with FP8 cache: five copies
 */
export function mlaStagingOps(
  a: Mla,
  w: ResolvedWorkload,
  p: string,
  hr: number,
  kernelHeads: number,
  gatheredTokens: number,
  entry: MlaLatentCacheBytes,
  topK: number,
): Operator[] {
  const T = w.tokens;
  const latent = a.kvLoraRank + a.qkRopeHeadDim;
  const query = T * hr * latent;
  const indexElements = (T * topK * INDEX_BYTES) / w.actBytes;
  const ops: Operator[] = [
    vectorOp(w, { name: `${p}attn.q_concat`, flops: 0, readElements: query, writeElements: query }),
    vectorOp(w, {
      name: `${p}attn.topk_slots`,
      flops: T * topK,
      readElements: indexElements,
      writeElements: indexElements,
    }),
  ];
  if (kernelHeads > hr)
    ops.push(
      vectorOp(w, { name: `${p}attn.q_pad_copy`, flops: 0, readElements: query, writeElements: query }),
    );
  if (DTYPE_BYTES[w.kvDtype] <= 1 && hr >= MIN_HEADS_FOR_BF16_PREFILL) {
    const gathered = gatheredTokens * latent;
    ops.push(
      vectorOp(w, {
        name: `${p}attn.cache_upconvert`,
        flops: gathered,
        readElements: 0,
        kvReadBytes: gatheredTokens * (entry.latent + entry.rope),
        writeElements: gathered,
      }),
    );
    const out = T * hr * a.kvLoraRank;
    ops.push(vectorOp(w, { name: `${p}attn.out_copy`, flops: 0, readElements: out, writeElements: out }));
  }
  return ops;
}
