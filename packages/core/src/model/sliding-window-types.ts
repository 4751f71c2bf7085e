/**
 * Sliding-window layers beside a model's main attention (with their own shape where the config
 * gives one). Re-exported by types.ts.
 */
import type { AttentionSpec } from "./types.ts";

/**
 * Sliding-window attention: the listed decoder layers attend only to the last `size` tokens (and
 * keep only those in their KV cache); the other layers attend to the whole context.
 */
export interface SlidingWindowSpec {
  readonly size: number;
  /** 0-based indices of the windowed layers, ascending. */
  readonly layers: readonly number[];
  /**
   * Whether the serving engine's KV cache keeps every token for the windowed layers too (one pool
   * sized for the whole sequence; `serving.kvCache.slidingWindowLayers: full-context`). Attention
   * still reads only the window. Default: the cache keeps the window.
   */
  readonly cacheKeepsFullContext?: boolean;
  /**
   * Chunked attention (Llama 4's RoPE layers, `attention_chunk_size`): a query at position p attends
   * to the keys of its own chunk only, from ⌊p / size⌋ · size to p, not to the last `size` keys.
   * Default: a sliding window.
   */
  readonly chunked?: boolean;
  /**
   * Chunked layers: whether the run's sequences can grow past one chunk, so the kernels must apply
   * the chunk mask (set by the scenario from its longest sequence; deploy/scenario.ts). Default: no.
   */
  readonly sequencesPassOneChunk?: boolean;
  /** The windowed layers' own attention shape (Gemma 4, MiMo-V2-Flash; layer-attention.ts). */
  readonly attention?: AttentionSpec;
}
