/**
 * Sliding-window attention (gpt-oss: every other layer attends to the last 128 tokens only). A
 * windowed layer attends to at most `size` keys per query and keeps at most `size` tokens of KV
 * per sequence, so its attention time and its cache stop growing with the context; the full
 * layers' do not. The workload of a windowed layer is the full one with both capped:
 *
 * - attended (query, key) pairs: at most `size` per query token;
 * - KV read from the cache: at most `size` tokens per sequence (from the mean length, which is
 *   exact when every sequence is longer than the window and an upper bound otherwise).
 */

import type { ResolvedWorkload } from "./layer-work.ts";
import type { ModelArchitecture } from "./types.ts";

/**
 * The window of decoder layer `layerIndex`, or undefined when it attends to the whole context.
 * @example attentionWindow(builtinModel("gpt-oss-120b"), 0) // 128
 */
export function attentionWindow(arch: ModelArchitecture, layerIndex: number): number | undefined {
  const sw = arch.slidingWindow;
  return sw?.layers.includes(layerIndex) === true ? sw.size : undefined;
}

/**
 * Decoder layers that keep the whole context (all but the windowed and the linear-attention ones,
 * and the single-mixer blocks without attention).
 */
export function fullAttentionLayers(arch: ModelArchitecture): number {
  const blocks = arch.hybridBlocks;
  if (blocks !== undefined) return blocks.filter((b) => b === "attention").length;
  return (
    arch.numLayers - (arch.slidingWindow?.layers.length ?? 0) - (arch.linearAttention?.layers.length ?? 0)
  );
}

/**
 * The workload as a layer with a `window`-token sliding window sees it.
 * @example windowedWorkload(w, 128).attendedTokenPairs <= w.tokens * 128 // true
 */
export function windowedWorkload(w: ResolvedWorkload, window: number): ResolvedWorkload {
  // Padding rows (a dummy request of a token or two) hold no context for the window to clip.
  const padding = w.paddingSequences;
  const q = w.sequences > 0 ? w.tokens / w.sequences : 1;
  const pairs = Math.min(w.attendedTokenPairs, (w.sequences - padding) * q * window + padding * q * q);
  const kvRead = Math.min(w.kvReadTokens, (w.sequences - padding) * window + padding * q);
  return { ...w, attendedTokenPairs: pairs, kvReadTokens: kvRead };
}
