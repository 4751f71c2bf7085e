/**
 * Whether a scenario's chunked-attention layers (Llama 4) need their chunk mask: only when a sequence
 * can grow past one chunk. Below it a chunked layer attends to every key, as a full one does, and
 * TensorRT-LLM drops the chunk (PR 6306: with max_seq_len below the chunk size it selects the XQA
 * kernels, which cannot apply the mask). An offline run's longest sequence is its longest prompt plus
 * its longest answer (trtllm-bench's max_seq_len); a serving scenario bounds none (the engine's
 * max_seq_len defaults to the model's context), so its sequences are taken to pass one chunk.
 */
import type { ModelArchitecture } from "../model/index.ts";
import type { OfflineSpec } from "../spec/index.ts";
import { longestLength } from "./offline-lengths.ts";

/**
 * The model with `slidingWindow.sequencesPassOneChunk` set where its windows are chunks the
 * scenario's sequences can outgrow.
 * @example withChunkMask(maverick, { promptTokens: 1024, outputTokens: 8192 }).slidingWindow?.sequencesPassOneChunk // true
 */
export function withChunkMask(model: ModelArchitecture, offline: OfflineSpec | undefined): ModelArchitecture {
  const sw = model.slidingWindow;
  if (sw === undefined || sw.chunked !== true) return model;
  const prompt = offline === undefined ? undefined : longestLength(offline.promptTokens);
  const answer =
    offline === undefined ? undefined : (offline.maxTokens ?? longestLength(offline.outputTokens));
  const passes = prompt === undefined || answer === undefined || prompt + answer > sw.size;
  return passes ? { ...model, slidingWindow: { ...sw, sequencesPassOneChunk: true } } : model;
}
