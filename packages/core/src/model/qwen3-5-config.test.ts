import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { linearStateBytesPerSequence } from "./linear-attention.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel } from "./zoo.ts";

const rel = (ours: number, published: number) => Math.abs(ours / published - 1);

/** A small Qwen3.5 MoE text config (the keys the published checkpoints carry). */
const text = {
  model_type: "qwen3_5_moe_text",
  hidden_size: 64,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  vocab_size: 100,
  num_experts: 8,
  num_experts_per_tok: 2,
  moe_intermediate_size: 16,
  shared_expert_intermediate_size: 16,
  full_attention_interval: 4,
  linear_num_key_heads: 2,
  linear_num_value_heads: 4,
  linear_key_head_dim: 8,
  linear_value_head_dim: 8,
  mtp_num_hidden_layers: 1,
  layer_types: ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
};
const wrapped = (t: object, top: object = {}) =>
  JSON.stringify({ model_type: "qwen3_5_moe", ...top, text_config: t, vision_config: { depth: 2 } }, null, 2);

describe("Qwen3.5 (qwen3_5, qwen3_5_moe): Qwen3-Next's hybrid layers in a vision-language checkpoint", () => {
  it("reads Qwen3.5-397B-A17B: 45 Gated DeltaNet + 15 gated GQA layers, 512 experts top-10 + 1 shared", () => {
    const arch = builtinModel("qwen3.5-397b-a17b");
    expect(arch.family).toBe("qwen3_5");
    expect(arch.attention).toMatchObject({
      kind: "gqa",
      numHeads: 32,
      numKvHeads: 2,
      headDim: 256,
      outputGate: true,
    });
    expect(arch.linearAttention).toMatchObject({ numKeyHeads: 16, numValueHeads: 64, keyHeadDim: 128 });
    expect(layerGroups(arch).map((g) => [g.kind, g.linear === true, g.count])).toEqual([
      ["moe", false, 15],
      ["moe", true, 45],
    ]);
    expect(arch.moe).toMatchObject({
      numRoutedExperts: 512,
      topK: 10,
      numSharedExperts: 1,
      expertIntermediateSize: 1024,
    });
    expect(arch.mtpModules).toBe(1);
    expect(arch.tiedEmbeddings).toBe(false);
    // 64 value heads × 128 × 128 FP32 state + 3 × (2·16·128 + 64·128) BF16 conv state, per layer.
    expect(linearStateBytesPerSequence(arch, "bf16")).toBe(45 * (64 * 128 * 128 * 4 + 3 * 12288 * 2));
  });

  it("counts the published totals: 397B-A17B 396.4 B (card 397 B), 17 B activated; 27B 26.9 B", () => {
    const big = countParameters(builtinModel("qwen3.5-397b-a17b"));
    expect(rel(big.total, 397e9)).toBeLessThan(0.01);
    expect(rel(big.activatedWithEmbedding, 17e9)).toBeLessThan(0.05);
    const dense = builtinModel("qwen3.5-27b");
    expect(dense.moe).toBeUndefined();
    expect(dense.denseIntermediateSize).toBe(17408);
    expect(layerGroups(dense).map((g) => [g.kind, g.linear === true, g.count])).toEqual([
      ["dense", false, 16],
      ["dense", true, 48],
    ]);
    expect(rel(countParameters(dense).total, 27e9)).toBeLessThan(0.01);
  });

  it("reads the wrapper's top-level keys and a bare text config alike", () => {
    const a = parseHfConfig(wrapped(text, { tie_word_embeddings: true, torch_dtype: "float16" }), "q35.json");
    expect(a.tiedEmbeddings).toBe(true);
    expect(a.nativeDtype).toBe("fp16");
    expect(a.linearAttention?.layers).toEqual([0, 1, 2]);
    const bare = parseHfConfig(JSON.stringify(text), "q35-text.json");
    expect(countParameters(bare).total - countParameters(a).total).toBe(100 * 64); // the untied LM head
    expect(
      parseHfConfig(wrapped({ ...text, attn_output_gate: false }), "q.json").attention,
    ).not.toHaveProperty("outputGate");
  });

  it("times the linear layers with Gated DeltaNet operators and the full layers with the gate", () => {
    const arch = builtinModel("qwen3.5-397b-a17b");
    const work = { phase: "decode", sequences: 8, kvTokens: 8 * 4096 } as const;
    const linear = layerOperators(arch, 0, work, { attentionTp: 8 });
    expect(linear.find((o) => o.name === "lin.delta_rule")?.bytesRead.kvCache).toBe(8 * 8 * 128 * 128 * 4);
    expect(layerOperators(arch, 3, work).some((o) => o.name === "attn.output_gate")).toBe(true);
  });

  it("names the nested field in errors: text_config's keys, line and path", () => {
    const missing = supernodeErrorOf(() =>
      parseHfConfig(wrapped({ ...text, linear_num_value_heads: undefined }), "q35.json"),
    );
    expect(missing.message).toMatch(/linear_num_value_heads/);
    expect(missing.location?.fieldPath).toEqual(["text_config", "linear_num_value_heads"]);
    const short = supernodeErrorOf(() =>
      parseHfConfig(wrapped({ ...text, layer_types: ["full_attention"] }), "q35.json"),
    );
    expect(short.message).toMatch(/layer_types has 1 entries but num_hidden_layers is 4/);
    expect(short.location?.fieldPath).toEqual(["text_config", "layer_types"]);
    expect(short.location?.line).toBeGreaterThan(20);
    const dense = supernodeErrorOf(() =>
      parseHfConfig(wrapped({ ...text, mlp_only_layers: [1] }), "q35.json"),
    );
    expect(dense.message).toMatch(
      /mlp_only_layers lists dense layer\(s\) 1 but intermediate_size is missing/,
    );
    expect(dense.location?.fieldPath).toEqual(["text_config", "intermediate_size"]);
  });
});
