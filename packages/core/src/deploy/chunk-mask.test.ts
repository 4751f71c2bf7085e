import { describe, expect, it } from "vitest";
import { attentionWindowForm, builtinModel, layerOperators } from "../model/index.ts";
import { withChunkMask } from "./chunk-mask.ts";

const maverick = builtinModel("llama-4-maverick");
const chunkedLayer = maverick.slidingWindow?.layers[0] as number;
const fullLayer = Array.from({ length: maverick.numLayers }, (_, i) => i).find(
  (i) => !maverick.slidingWindow?.layers.includes(i),
) as number;
const core = (arch: typeof maverick, layer: number, sequences: number, context: number) =>
  layerOperators(arch, layer, { phase: "decode", sequences, kvTokens: sequences * context }).find(
    (o) => o.name === "attn.core",
  );

describe("Llama 4's chunked attention", () => {
  it("marks the RoPE layers' windows as chunks of attention_chunk_size", () => {
    expect(maverick.slidingWindow?.chunked).toBe(true);
    expect(maverick.slidingWindow?.size).toBe(8192);
    expect(attentionWindowForm(maverick, chunkedLayer)).toEqual({ chunked: true, masked: false });
    expect(attentionWindowForm(maverick, fullLayer).chunked).toBe(false);
  });

  it("decodes within the query's own chunk: ((m − 1) mod 8,192) + 1 keys at m keys with the new one, not the last 8,192", () => {
    // The step's token attends to the cached context and itself: m = context + 1.
    expect(core(maverick, chunkedLayer, 8, 4096)?.attention?.meanKeysPerQuery).toBeCloseTo(4097, 6);
    expect(core(maverick, chunkedLayer, 8, 8191)?.attention?.meanKeysPerQuery).toBeCloseTo(8192, 6);
    // The 8,193rd token opens the second chunk.
    expect(core(maverick, chunkedLayer, 8, 8192)?.attention?.meanKeysPerQuery).toBeCloseTo(1, 6);
    expect(core(maverick, chunkedLayer, 8, 8704)?.attention?.meanKeysPerQuery).toBeCloseTo(513, 6);
    expect(core(maverick, chunkedLayer, 8, 33280)?.attention?.meanKeysPerQuery).toBeCloseTo(513, 6);
    // The NoPE layers attend to the whole context.
    expect(core(maverick, fullLayer, 8, 8704)?.attention?.meanKeysPerQuery).toBeCloseTo(8705, 6);
  });

  it("needs the chunk mask only when a sequence can pass one chunk", () => {
    const short = withChunkMask(maverick, { promptTokens: 1024, outputTokens: 1024 });
    const long = withChunkMask(maverick, { promptTokens: 1024, outputTokens: 8192 });
    const capped = withChunkMask(maverick, { promptTokens: 1024, outputTokens: 1024, maxTokens: 8192 });
    expect(short.slidingWindow?.sequencesPassOneChunk).toBeUndefined();
    expect(long.slidingWindow?.sequencesPassOneChunk).toBe(true);
    expect(capped.slidingWindow?.sequencesPassOneChunk).toBe(true);
    // A serving scenario bounds no sequence: the engine's max_seq_len is the model's context.
    expect(withChunkMask(maverick, undefined).slidingWindow?.sequencesPassOneChunk).toBe(true);
    expect(core(long, chunkedLayer, 8, 4096)?.attention?.chunkMasked).toBe(true);
    expect(core(short, chunkedLayer, 8, 1536)?.attention?.chunkMasked).toBeUndefined();
    expect(core(long, fullLayer, 8, 4096)?.attention?.chunkMasked).toBeUndefined();
    // gpt-oss's sliding windows are no chunks.
    const oss = builtinModel("gpt-oss-120b");
    expect(withChunkMask(oss, undefined)).toBe(oss);
  });
});
