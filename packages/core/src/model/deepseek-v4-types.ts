/** The parts of DeepSeek-V4's architecture other models do not have (re-exported by types.ts). */

/**
 * DeepSeek-V4's hybrid attention (config.json `compress_ratios`, `sliding_window`, `o_groups`,
 * `o_lora_rank`): every layer keeps the last `window` tokens uncompressed; a layer with ratio r > 0
 * also keeps one compressed entry per r tokens (a learned softmax pool over them). Ratio 4 layers
 * (CSA) attend the indexer's top-k compressed entries, ratio 128 layers (HCA) all of them, ratio 0
 * layers the window only.
 */
export interface CompressedAttentionSpec {
  /** Uncompressed tokens each layer keeps and attends (`sliding_window`, 128). */
  readonly window: number;
  /** Compression ratio of each decoder layer of the main model (0, 4 or 128). */
  readonly ratios: readonly number[];
  /** Compression ratio of the MTP modules' layer (the entry after the main layers; 0 if absent). */
  readonly mtpRatio: number;
  /** Head groups of the grouped output projection (`o_groups`) and each group's rank (`o_lora_rank`). */
  readonly outputGroups: number;
  readonly outputRank: number;
}

/**
 * Manifold-constrained hyper-connections (DeepSeek-V4 `hc_mult`, `hc_sinkhorn_iters`): the residual
 * is `streams` parallel copies of the hidden state; before each sublayer a learned mix collapses
 * them to one input, after it a doubly-stochastic (Sinkhorn) matrix remixes them with the output.
 */
export interface HyperConnectionSpec {
  readonly streams: number;
  readonly sinkhornIters: number;
}
