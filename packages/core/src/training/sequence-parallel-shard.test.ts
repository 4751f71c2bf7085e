import { describe, expect, it } from "vitest";
import { layerOperators } from "../model/layer-operators.ts";
import { builtinModel } from "../model/zoo.ts";
import { sequenceParallelShard } from "./sequence-parallel-shard.ts";

const arch = builtinModel("llama-3.1-70b");
const work = {
  phase: "train-forward",
  sequences: 1,
  tokens: 8192,
  attendedTokenPairs: (8192 * 8193) / 2,
} as const;
const forward = layerOperators(arch, 3, work, { attentionTp: 4, ffnTp: 4 });
const backward = layerOperators(arch, 3, { ...work, phase: "train-backward" }, { attentionTp: 4, ffnTp: 4 });

describe("sequence-parallel shard of the norms", () => {
  it("gives each of the tp ranks 1/tp of the hidden-size norms, forward and backward, and leaves the rest", () => {
    const sharded = [...forward, ...backward].filter((op) => sequenceParallelShard(op, 4) !== op);
    expect(sharded.map((o) => o.name)).toEqual([
      "attn.input_norm",
      "ffn.post_attention_norm",
      "ffn.post_attention_norm.backward",
      "attn.input_norm.backward",
    ]);
    for (const op of sharded) {
      const s = sequenceParallelShard(op, 4);
      expect(s.bytesRead.activations).toBeCloseTo(op.bytesRead.activations / 4, 6);
      expect(s.bytesWritten.activations).toBeCloseTo(op.bytesWritten.activations / 4, 6);
      expect(s.flops).toBeCloseTo(op.flops / 4, 6);
      expect(s.bytesRead.weights).toBe(op.bytesRead.weights);
    }
  });

  it("changes nothing without tensor parallelism", () => {
    for (const op of forward) expect(sequenceParallelShard(op, 1)).toBe(op);
  });
});
