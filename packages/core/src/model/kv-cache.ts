/**
 * KV-cache bytes per token. GQA/MHA stores K and V for each KV head (2 × kvHeads × headDim values
 * per layer); MLA stores the compressed latent and the shared RoPE key (kvLoraRank + qkRopeHeadDim
 * values per layer, 512 + 64 = 576 for DeepSeek-V3). Values use `kvDtype` widths, except a DSA
 * model's FP8 latent, which the engines store in FlashMLA's sparse layout (656 B for DeepSeek-V3.2,
 * `mlaLatentCacheBytes`). DeepSeek Sparse Attention adds the indexer's key cache (index_head_dim
 * FP8 values + an FP32 scale: 132 B per token and layer; 256 B where the indexer runs in BF16).
 * Linear-attention layers (Qwen3-Next) keep no KV cache but a fixed state per sequence
 * (linear-attention.ts), amortised here over the mean context.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { compressedBytesPerToken, compressedEntryBytes, isCompressed } from "./compressed-attention.ts";
import { indexerKeyBytesPerToken } from "./dsa-indexer-operators.ts";
import { kvHeadSplit, layerArchitecture } from "./layer-attention.ts";
import { linearStateBytesPerSequence } from "./linear-attention.ts";
import { fullAttentionLayers } from "./sliding-window.ts";
import type { AttentionSpec, ModelArchitecture } from "./types.ts";

type Mla = Extract<AttentionSpec, { kind: "mla" }>;

/** Bytes of one token's MLA cache entry per layer: the latent (with its scales) and the RoPE key. */
export interface MlaLatentCacheBytes {
  readonly latent: number;
  readonly rope: number;
}

/** FlashMLA's sparse FP8 layout: one FP32 scale per this many FP8 latent values. */
const FLASHMLA_FP8_SCALE_GROUP = 128;

/**
 * An MLA cache entry in `kvDtype`. A DSA model's FP8 cache is FlashMLA's sparse layout, the only FP8
 * format its sparse kernels read: FP8 latent values, one FP32 scale per 128 of them, the RoPE key in
 * BF16 — 512 + 16 + 128 = 656 B for DeepSeek-V3.2 (FlashMLA README, "FP8 KV cache"; vLLM
 * `fp8_ds_mla`, FlashMLASparseBackend.get_kv_cache_shape; SGLang's NSA FP8 store overrides
 * `kv_cache_dim` the same way). Dense MLA keeps every value at the cache width (576 B in FP8).
 * @example mlaLatentCacheBytes(builtinModel("deepseek-v3.2-exp").attention, "fp8") // { latent: 528, rope: 128 }
 * @example mlaLatentCacheBytes(builtinModel("deepseek-v3").attention, "fp8") // { latent: 512, rope: 64 }
 */
export function mlaLatentCacheBytes(a: Mla, kvDtype: Dtype): MlaLatentCacheBytes {
  if (a.sparse !== undefined && kvDtype === "fp8") {
    const scales = Math.ceil(a.kvLoraRank / FLASHMLA_FP8_SCALE_GROUP) * DTYPE_BYTES.fp32;
    return { latent: a.kvLoraRank * DTYPE_BYTES.fp8 + scales, rope: a.qkRopeHeadDim * DTYPE_BYTES.bf16 };
  }
  return { latent: a.kvLoraRank * DTYPE_BYTES[kvDtype], rope: a.qkRopeHeadDim * DTYPE_BYTES[kvDtype] };
}

/**
 * Values stored per token per layer.
 * @example kvValuesPerTokenPerLayer(builtinModel("deepseek-v3")) // 576
 */
export function kvValuesPerTokenPerLayer(arch: ModelArchitecture): number {
  const a = arch.attention;
  switch (a.kind) {
    case "gqa":
      return a.numKvHeads * (a.headDim + (a.vHeadDim ?? a.headDim));
    case "mla":
      return a.kvLoraRank + a.qkRopeHeadDim;
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

/**
 * Bytes per token per layer.
 * @example kvBytesPerTokenPerLayer(builtinModel("deepseek-v3"), "bf16") // 1152
 */
export function kvBytesPerTokenPerLayer(
  arch: ModelArchitecture,
  kvDtype: Dtype,
  indexerDtype: Dtype = "fp8",
): number {
  const a = arch.attention;
  if (a.kind !== "mla") return kvValuesPerTokenPerLayer(arch) * DTYPE_BYTES[kvDtype];
  // DeepSeek-V4: one uncompressed entry (window or compressed entries keep the same layout).
  if (a.compressed !== undefined) return compressedEntryBytes(a, kvDtype);
  // DeepSeek Sparse Attention keeps the indexer's keys (and their scales) beside the latent.
  const indexer =
    a.sparse !== undefined && a.sparse.sharedTopK !== true
      ? indexerKeyBytesPerToken(a.sparse, indexerDtype)
      : 0;
  const entry = mlaLatentCacheBytes(a, kvDtype);
  return entry.latent + entry.rope + indexer;
}

/**
 * Bytes per token of context over all decoder layers of the main model (and the MTP modules'
 * layers if asked). Sliding-window layers keep at most `window` tokens per sequence: with
 * `contextTokens` (the mean KV length per sequence) their share is amortised over it
 * (× min(1, window / context)); without it they count in full, the bound for contexts up to the
 * window. A cache that keeps the full context for windowed layers (`cacheKeepsFullContext`) counts
 * them in full.
 * @example kvBytesPerToken(builtinModel("deepseek-v3"), "bf16") // 70272 (61 × 576 × 2)
 * @example kvBytesPerToken(builtinModel("gpt-oss-120b"), "bf16", { contextTokens: 8192 }) // 18 × 2048 × (1 + 128/8192)
 */
export function kvBytesPerToken(
  arch: ModelArchitecture,
  kvDtype: Dtype,
  options: {
    readonly includeMtp?: boolean;
    readonly contextTokens?: number;
    /** The DSA indexer's key format (default fp8). */
    readonly indexerDtype?: Dtype;
    /** Linear-attention layers' recurrent state format (default fp32). */
    readonly linearStateDtype?: Dtype;
    /**
     * Bytes on one rank of this attention TP instead of the whole model's: each layer's KV split
     * over its own KV heads (`kvHeadSplit`), the linear state like the full layers' KV.
     */
    readonly attentionTp?: number;
    /** Leave the linear-attention state out (an engine that keeps it in a pool of its own). */
    readonly withoutLinearState?: boolean;
  } = {},
): number {
  const a = arch.attention;
  if (isCompressed(a)) {
    // DeepSeek-V4: window + compressed entries + indexer keys + compressor state per layer
    // (compressed-attention.ts), amortised over the context.
    const ratios = [...a.compressed.ratios];
    if (options.includeMtp === true)
      for (let i = 0; i < arch.mtpModules; i++) ratios.push(a.compressed.mtpRatio);
    return compressedBytesPerToken(a, ratios, kvDtype, options.indexerDtype ?? "fp8", options.contextTokens);
  }
  const tp = options.attentionTp ?? 1;
  const fullSplit = kvHeadSplit(arch.attention, tp);
  // GLM-5.2's shared-indexer layers keep no indexer keys.
  const sharedSaving = sharedTopKIndexerBytes(arch, options.indexerDtype);
  const perLayer = kvBytesPerTokenPerLayer(arch, kvDtype, options.indexerDtype);
  const full = fullAttentionLayers(arch) + (options.includeMtp === true ? arch.mtpModules : 0);
  const windowed = arch.slidingWindow?.layers.length ?? 0;
  const window = arch.slidingWindow?.size ?? 0;
  const context = options.contextTokens;
  const windowShare =
    arch.slidingWindow?.cacheKeepsFullContext !== true && context !== undefined && context > 0
      ? Math.min(1, window / context)
      : 1;
  // Linear-attention layers keep a fixed state per sequence, amortised over the mean context (over
  // one token without it: the bound for the shortest context). Conv state in BF16 (the model's format).
  const state =
    options.withoutLinearState === true
      ? 0
      : linearStateBytesPerSequence(arch, "bf16", options.linearStateDtype);
  const statePerToken = state === 0 ? 0 : state / (context !== undefined && context > 0 ? context : 1);
  const windowLayer = arch.slidingWindow?.layers[0];
  const windowArch = windowLayer === undefined ? arch : layerArchitecture(arch, windowLayer);
  if (windowArch === arch)
    return ((full + windowed * windowShare) * perLayer - sharedSaving + statePerToken) / fullSplit;
  // Windowed layers with their own shape (Gemma 4, MiMo-V2-Flash): their own bytes and TP split.
  const windowPerLayer =
    kvBytesPerTokenPerLayer(windowArch, kvDtype, options.indexerDtype) /
    kvHeadSplit(windowArch.attention, tp);
  return (
    (full * perLayer - sharedSaving + statePerToken) / fullSplit + windowed * windowShare * windowPerLayer
  );
}

/** Indexer-key bytes per token the layers reusing an earlier layer's DSA top-k (GLM-5.2) do not keep. */
function sharedTopKIndexerBytes(arch: ModelArchitecture, indexerDtype: Dtype = "fp8"): number {
  const a = arch.attention;
  if (a.kind !== "mla" || a.compressed !== undefined || a.sparse?.indexerLayers === undefined) return 0;
  return (arch.numLayers - a.sparse.indexerLayers.length) * indexerKeyBytesPerToken(a.sparse, indexerDtype);
}
