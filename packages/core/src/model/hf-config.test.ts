import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { builtinModel, builtinModelIds } from "./zoo.ts";

const llamaLike = {
  model_type: "llama",
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 100,
  intermediate_size: 128,
};

describe("parseHfConfig", () => {
  it("parses every zoo model", () => {
    expect(builtinModelIds().length).toBeGreaterThanOrEqual(10);
    for (const id of builtinModelIds()) {
      const arch = builtinModel(id);
      expect(arch.id).toBe(id);
      expect(arch.numLayers).toBeGreaterThan(0);
      expect(arch.source).toMatch(/^https:\/\//);
    }
  });

  it("reads DeepSeek-V3 as MLA + MoE with MTP and an fp8 checkpoint", () => {
    const a = builtinModel("deepseek-v3");
    expect(a.attention).toEqual({
      kind: "mla",
      numHeads: 128,
      qLoraRank: 1536,
      kvLoraRank: 512,
      qkNopeHeadDim: 128,
      qkRopeHeadDim: 64,
      vHeadDim: 128,
    });
    expect(a.moe).toMatchObject({
      numRoutedExperts: 256,
      numSharedExperts: 1,
      topK: 8,
      firstKDenseLayers: 3,
    });
    expect(a.moe?.numExpertGroups).toBe(8);
    expect(a.mtpModules).toBe(1);
    expect(a.nativeDtype).toBe("fp8");
    expect(a.tiedEmbeddings).toBe(false);
  });

  it("maps Kimi K2's model_type kimi_k2 to the DeepSeek-V3 family", () => {
    const a = builtinModel("kimi-k2");
    expect(a.family).toBe("deepseek_v3");
    expect(a.moe).toMatchObject({ numRoutedExperts: 384, firstKDenseLayers: 1 });
    expect(a.mtpModules).toBe(0);
  });

  it("defaults head_dim, KV heads and tied embeddings, and reads Qwen attention extras", () => {
    const a = parseHfConfig(JSON.stringify({ ...llamaLike, num_key_value_heads: undefined }), "tiny.json");
    expect(a.attention).toMatchObject({ kind: "gqa", numHeads: 4, numKvHeads: 4, headDim: 16 });
    expect(a.tiedEmbeddings).toBe(false);
    expect(a.id).toBe("tiny");
    const q2 = parseHfConfig(
      JSON.stringify({ ...llamaLike, model_type: "qwen2", tie_word_embeddings: true }),
      "q.json",
    );
    expect(q2.attention).toMatchObject({ qkvBias: true, qkNorm: false });
    expect(q2.tiedEmbeddings).toBe(true);
    expect(builtinModel("qwen3-32b").attention).toMatchObject({ qkNorm: true, headDim: 128 });
  });

  it("reads Qwen3-MoE sparse steps and dense-only layers", () => {
    const a = parseHfConfig(
      JSON.stringify({
        ...llamaLike,
        model_type: "qwen3_moe",
        num_experts: 8,
        num_experts_per_tok: 2,
        moe_intermediate_size: 32,
        decoder_sparse_step: 2,
        mlp_only_layers: [1],
      }),
      "m.json",
    );
    expect(a.moe).toMatchObject({ layerFrequency: 2, frequencyBase: "index+1", denseLayerIndices: [1] });
  });

  it("names file, line and field of a missing required field", () => {
    const text = JSON.stringify({ ...llamaLike, hidden_size: undefined }, null, 2);
    const e = supernodeErrorOf(() => parseHfConfig(text, "cfg.json"));
    expect(e.kind).toBe("schema");
    expect(e.location.file).toBe("cfg.json");
    expect(e.location.fieldPath).toEqual(["hidden_size"]);
    expect(e.message).toMatch(/cfg\.json.*hidden_size.*missing.*integer/);
  });

  it("rejects a wrong type at its line", () => {
    const text = JSON.stringify({ ...llamaLike, num_attention_heads: "four" }, null, 2);
    const e = supernodeErrorOf(() => parseHfConfig(text, "cfg.json"));
    expect(e.location.line).toBe(5);
    expect(e.location.fieldPath).toEqual(["num_attention_heads"]);
  });

  it("lists supported types for an unknown model_type", () => {
    const text = JSON.stringify({ ...llamaLike, model_type: "gpt_neox" }, null, 2);
    const e = supernodeErrorOf(() => parseHfConfig(text, "cfg.json"));
    expect(e.kind).toBe("unsupported");
    expect(e.location.line).toBe(2);
    expect(e.message).toContain('unknown model_type "gpt_neox"');
    for (const t of ["llama", "qwen2", "qwen3", "qwen3_moe", "mixtral", "deepseek_v3", "kimi_k2"])
      expect(e.message).toContain(t);
  });

  it("requires MLA fields for deepseek_v3", () => {
    const e = supernodeErrorOf(() =>
      parseHfConfig(
        JSON.stringify({
          ...llamaLike,
          model_type: "deepseek_v3",
          n_routed_experts: 4,
          num_experts_per_tok: 2,
        }),
        "d.json",
      ),
    );
    expect(e.location.fieldPath?.[0]).toMatch(/moe_intermediate_size|kv_lora_rank/);
  });

  it("reads the checkpoint dtype from torch_dtype or, in newer configs, dtype", () => {
    expect(
      parseHfConfig(JSON.stringify({ ...llamaLike, torch_dtype: "float16" }), "a.json").nativeDtype,
    ).toBe("fp16");
    expect(parseHfConfig(JSON.stringify({ ...llamaLike, dtype: "float32" }), "b.json").nativeDtype).toBe(
      "fp32",
    );
    expect(parseHfConfig(JSON.stringify(llamaLike), "c.json").nativeDtype).toBe("bf16");
  });

  it("rejects heads that do not split into KV groups", () => {
    const e = supernodeErrorOf(() =>
      parseHfConfig(JSON.stringify({ ...llamaLike, num_key_value_heads: 3 }, null, 2), "g.json"),
    );
    expect(e.kind).toBe("invalid-value");
    expect(e.message).toMatch(/^g\.json:6:\d+, field num_key_value_heads: /);
  });

  it("locates a hidden size that does not split into heads", () => {
    const e = supernodeErrorOf(() =>
      parseHfConfig(JSON.stringify({ ...llamaLike, hidden_size: 66 }, null, 2), "h.json"),
    );
    expect(e.message).toMatch(/^h\.json:3:\d+, field hidden_size: hidden_size 66 is not a multiple/);
  });
});

describe("builtinModel", () => {
  it("resolves the deepseek-r1 alias to the V3 architecture under its own name", () => {
    const r1 = builtinModel("deepseek-r1");
    const v3 = builtinModel("deepseek-v3");
    expect(r1.name).toBe("DeepSeek-R1");
    expect(r1.attention).toEqual(v3.attention);
    expect(r1.moe).toEqual(v3.moe);
  });

  it("suggests near ids for unknown ones", () => {
    const e = supernodeErrorOf(() => builtinModel("deepseek-v2"));
    expect(e.kind).toBe("unknown-id");
    expect(e.message).toContain("deepseek-v3");
  });
});
