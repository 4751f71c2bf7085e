/**
 * Sliding-window attention (gpt-oss: every other layer attends to the last 128 tokens only). A
 * windowed layer attends to at most `size` keys per query and keeps at most `size` tokens of KV
 * per sequence, so its attention time and its cache stop growing with the context; the full
 * layers' do not. The workload of a windowed layer is the full one with both capped:
 *
 * - attended (query, key) pairs: at most `size` per query token;
 * - KV read from the cache: at most `size` tokens per sequence (from the mean length, which is
 *   exact when every sequence is longer than the window and an upper bound otherwise).
 *
 * A chunked layer (Llama 4) attends within fixed chunks instead: a decoding token that is the m-th
 * of its sequence reads the ((m − 1) mod size) + 1 keys of its own chunk (from the mean length, exact
 * when the batch's sequences sit in the same chunk); its prefill is charged as the window (an upper
 * bound).
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

/** How a windowed layer bounds its keys: the last `size` (sliding) or its own chunk of `size`. */
export interface WindowForm {
  readonly chunked: boolean;
  /** Chunked: the run's sequences grow past one chunk, so the kernel applies the chunk mask. */
  readonly masked: boolean;
}

/**
 * The window form of decoder layer `layerIndex` (sliding unless the model marks its windows chunked).
 * @example attentionWindowForm(builtinModel("llama-4-maverick"), 0).chunked // true
 */
export function attentionWindowForm(arch: ModelArchitecture, layerIndex: number): WindowForm {
  const sw = arch.slidingWindow;
  const chunked = sw?.chunked === true && sw.layers.includes(layerIndex);
  return { chunked, masked: chunked && sw?.sequencesPassOneChunk === true };
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
export function windowedWorkload(
  w: ResolvedWorkload,
  window: number,
  form: WindowForm = { chunked: false, masked: false },
): ResolvedWorkload {
  // Padding rows (a dummy request of a token or two) hold no context for the window to clip.
  const padding = w.paddingSequences;
  const q = w.sequences > 0 ? w.tokens / w.sequences : 1;
  const real = w.sequences - padding;
  // A decoding sequence of a chunked layer reads its own chunk's keys: ((m − 1) mod window) + 1 at
  // mean context m; a sliding window reads min(m, window) (the min below).
  const meanContext = real > 0 ? (w.kvReadTokens - padding * q) / real : 0;
  const keys =
    form.chunked && w.forwardPhase === "decode" && meanContext > window
      ? ((meanContext - 1) % window) + 1
      : window;
  const pairs = Math.min(w.attendedTokenPairs, real * q * keys + padding * q * q);
  const kvRead = Math.min(w.kvReadTokens, real * keys + padding * q);
  return {
    ...w,
    attendedTokenPairs: pairs,
    kvReadTokens: kvRead,
    ...(form.masked && { chunkMasked: true }),
  };
}
