/**
 * DeepSeek-V4's compressed attention, the parts that are not operators: which ratio a layer has,
 * its weight tensors, and the bytes its cache keeps per sequence. Read from DeepSeek-V4's
 * `config.json` and transformers' `models/deepseek_v4/modular_deepseek_v4.py` (DeepseekV4Attention,
 * DeepseekV4CSACompressor / HCACompressor, DeepseekV4Indexer), the cache layouts from FlashMLA
 * (`csrc/api/sparse_decode.h`, "MODEL1" FP8 layout) and DeepGEMM (`fp8_fp4_mqa_logits`, FP4 keys):
 *
 * - every layer: `q_a_proj` (hidden → q_lora) + norm, `q_b_proj` (q_lora → heads × head_dim), an
 *   unweighted per-head norm, `kv_proj` (hidden → one head_dim key = value) + norm, a sink per head,
 *   and the grouped output projection: `o_a_proj` maps each of `o_groups` head groups
 *   (heads × head_dim / o_groups wide) to `o_lora_rank`, `o_b_proj` the o_groups × o_lora_rank
 *   concatenation to hidden. Every layer caches its last `sliding_window` tokens uncompressed.
 * - ratio r > 0: a compressor projects each token to `coff` × head_dim values and as many gate
 *   logits (`kv_proj`, `gate_proj`; coff = 2 for r = 4, whose windows overlap, else 1), pools every
 *   r tokens into one cached entry (softmax over the gates plus a learned r × coff·head_dim bias,
 *   then a norm and RoPE) — context / r entries per sequence.
 * - ratio 4 (CSA) adds the lightning indexer over the compressed entries: its own compressor at
 *   index_head_dim (coff 2), `q_b_proj` (q_lora → index heads × index_head_dim), `weights_proj`
 *   (hidden → index heads); the core attends the top `index_topk` entries per query. Ratio 128
 *   (HCA) attends every compressed entry; ratio 0 the window only.
 * - cache entry: FlashMLA's MODEL1 FP8 layout, 448 FP8 values + 7 UE8M0 scales (one per 64) + 1
 *   pad + the 64-value RoPE part in BF16 = 584 B per token (head_dim × 2 B in BF16); indexer keys
 *   FP4 (64 B + one UE8M0 scale per 32, packed in 4 B) where the indexer format is fp4, as the
 *   DSA indexer's otherwise (dsa-indexer-operators.ts).
 * - decode state of each compressor: the projected values and gate logits of the tokens not yet
 *   pooled (and, for r = 4, the overlapping previous window), FP32: 2 × r × coff × head_dim × 4 B
 *   per sequence and layer (as aiconfigurator's DeepSeekV4Model.get_kvcache_bytes_per_sequence).
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { indexerKeyBytesPerToken } from "./dsa-indexer-operators.ts";
import type { AttentionSpec, CompressedAttentionSpec, ModelArchitecture } from "./types.ts";
import { highPrecisionTensor, weightMatrix } from "./weight-tensor-builders.ts";
import type { WeightTensor } from "./weight-tensors.ts";

type Mla = Extract<AttentionSpec, { kind: "mla" }>;
/** A V4 attention spec: MLA with its compressed part (and the indexer of the ratio-4 layers). */
export type CompressedMla = Mla & { readonly compressed: CompressedAttentionSpec };

/** The ratio whose layers run the lightning indexer (CSA). */
export const INDEXED_RATIO = 4;

/** FlashMLA MODEL1 FP8 layout: one UE8M0 scale byte per this many FP8 values, and 1 pad byte. */
const MODEL1_SCALE_GROUP = 64;

/** Whether an attention spec is DeepSeek-V4's compressed attention. */
export function isCompressed(a: AttentionSpec): a is CompressedMla {
  return a.kind === "mla" && a.compressed !== undefined;
}

/**
 * Compression ratio of decoder layer `index` (the MTP modules' layer at index numLayers), or
 * undefined for a model without compressed attention.
 * @example compressRatio(builtinModel("deepseek-v4-pro"), 2) // 4
 */
export function compressRatio(arch: ModelArchitecture, index: number): number | undefined {
  const c = arch.attention.kind === "mla" ? arch.attention.compressed : undefined;
  if (c === undefined) return undefined;
  return index < arch.numLayers ? (c.ratios[index] ?? 0) : c.mtpRatio;
}

/** Values each compressor projects per token and channel half: 2 where windows overlap (ratio 4). */
export function compressorOverlap(ratio: number): number {
  return ratio === INDEXED_RATIO ? 2 : 1;
}

/**
 * Bytes of one cached key = value entry (window or compressed): FlashMLA's MODEL1 layout in FP8,
 * head_dim values at the cache width otherwise.
 * @example compressedEntryBytes(builtinModel("deepseek-v4-flash").attention, "fp8") // 584
 */
export function compressedEntryBytes(a: Mla, kvDtype: Dtype): number {
  const head = a.kvLoraRank + a.qkRopeHeadDim;
  if (kvDtype !== "fp8") return head * DTYPE_BYTES[kvDtype];
  const scales = Math.ceil(a.kvLoraRank / MODEL1_SCALE_GROUP) + 1;
  return a.kvLoraRank + scales + a.qkRopeHeadDim * DTYPE_BYTES.bf16;
}

/** FP32 decode state of a layer's compressors per sequence (values + gate logits of unpooled tokens). */
export function compressorStateBytes(a: Mla, ratio: number): number {
  if (ratio === 0) return 0;
  const head = a.kvLoraRank + a.qkRopeHeadDim;
  const coff = compressorOverlap(ratio);
  const main = 2 * ratio * coff * head * DTYPE_BYTES.fp32;
  const indexer =
    ratio === INDEXED_RATIO && a.sparse !== undefined
      ? 2 * ratio * 2 * a.sparse.indexHeadDim * DTYPE_BYTES.fp32
      : 0;
  return main + indexer;
}

/**
 * Cache bytes of one layer for one sequence of `context` tokens: the window, the compressed
 * entries, the indexer keys (ratio 4) and the compressors' state.
 * @example compressedLayerBytes(a, 4, 8192, "fp8", "fp4") // 128 × 584 + 2048 × (584 + 68) + state
 */
export function compressedLayerBytes(
  a: CompressedMla,
  ratio: number,
  context: number,
  kvDtype: Dtype,
  indexerDtype: Dtype,
): number {
  const entry = compressedEntryBytes(a, kvDtype);
  const window = Math.min(context, a.compressed.window) * entry;
  if (ratio === 0) return window;
  const entries = Math.floor(context / ratio);
  const keys =
    ratio === INDEXED_RATIO && a.sparse !== undefined ? indexerKeyBytesPerToken(a.sparse, indexerDtype) : 0;
  return window + entries * (entry + keys) + compressorStateBytes(a, ratio);
}

/**
 * Cache bytes per token of context over the given layers' ratios, amortised over `context` tokens
 * per sequence (without one: over the window, the bound for contexts up to it).
 */
export function compressedBytesPerToken(
  a: CompressedMla,
  ratios: readonly number[],
  kvDtype: Dtype,
  indexerDtype: Dtype,
  context: number | undefined,
): number {
  const ctx = context !== undefined && context > 0 ? context : a.compressed.window;
  let bytes = 0;
  for (const r of ratios) bytes += compressedLayerBytes(a, r, ctx, kvDtype, indexerDtype);
  return bytes / ctx;
}

/**
 * Attention tensors of a V4 layer with compression ratio `ratio` (the layer norms are the caller's).
 * @example compressedAttentionTensors(builtinModel("deepseek-v4-flash").attention, 4096, 0).length // 10
 */
export function compressedAttentionTensors(a: CompressedMla, hidden: number, ratio: number): WeightTensor[] {
  const head = a.kvLoraRank + a.qkRopeHeadDim;
  const q = a.qLoraRank ?? hidden;
  const { outputGroups: g, outputRank: rank } = a.compressed;
  const out: WeightTensor[] = [
    ...(a.qLoraRank === null
      ? []
      : [
          weightMatrix("attn.q_a_proj", "attention", q, hidden),
          highPrecisionTensor("attn.q_a_norm", "attention", q),
        ]),
    weightMatrix("attn.q_b_proj", "attention", a.numHeads * head, q),
    weightMatrix("attn.kv_proj", "attention", head, hidden),
    highPrecisionTensor("attn.kv_norm", "attention", head),
    {
      ...weightMatrix("attn.o_a_proj", "attention", g * rank, (a.numHeads * head) / g),
      formatAs: "attention-output",
    },
    { ...weightMatrix("attn.o_b_proj", "attention", hidden, g * rank), formatAs: "attention-output" },
    highPrecisionTensor("attn.sinks", "attention", a.numHeads),
  ];
  if (ratio === 0) return out;
  const coff = compressorOverlap(ratio);
  out.push(
    weightMatrix("attn.compressor.kv_gate_proj", "attention", 2 * coff * head, hidden),
    highPrecisionTensor("attn.compressor.position_bias", "attention", ratio * coff * head),
    highPrecisionTensor("attn.compressor.norm", "attention", head),
  );
  if (ratio === INDEXED_RATIO && a.sparse !== undefined) {
    const s = a.sparse;
    out.push(
      weightMatrix("attn.indexer.kv_gate_proj", "attention", 2 * 2 * s.indexHeadDim, hidden),
      highPrecisionTensor("attn.indexer.position_bias", "attention", ratio * 2 * s.indexHeadDim),
      highPrecisionTensor("attn.indexer.norm", "attention", s.indexHeadDim),
      weightMatrix("attn.indexer.wq_b", "attention", s.indexHeads * s.indexHeadDim, q),
      weightMatrix("attn.indexer.weights_proj", "attention", s.indexHeads, hidden),
    );
  }
  return out;
}
