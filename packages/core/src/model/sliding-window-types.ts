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
  /** The windowed layers' own attention shape (Gemma 4, MiMo-V2-Flash; layer-attention.ts). */
  readonly attention?: AttentionSpec;
}
