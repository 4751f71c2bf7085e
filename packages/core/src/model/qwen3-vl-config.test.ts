import { describe, expect, it } from "vitest";
import { parseHfConfig } from "./hf-config.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel } from "./zoo.ts";

// Qwen3-VL-235B-A22B-Thinking's config.json as ai-dynamo/aiconfigurator stores it (vision_config trimmed).
const text = {
  attention_bias: false,
  decoder_sparse_step: 1,
  dtype: "bfloat16",
  head_dim: 128,
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 12288,
  max_position_embeddings: 262144,
  mlp_only_layers: [],
  model_type: "qwen3_vl_moe_text",
  moe_intermediate_size: 1536,
  norm_topk_prob: true,
  num_attention_heads: 64,
  num_experts: 128,
  num_experts_per_tok: 8,
  num_hidden_layers: 94,
  num_key_value_heads: 4,
  rms_norm_eps: 1e-6,
  rope_theta: 5000000,
  vocab_size: 151936,
};
const wrapper = {
  architectures: ["Qwen3VLMoeForConditionalGeneration"],
  model_type: "qwen3_vl_moe",
  text_config: text,
  tie_word_embeddings: false,
  vision_config: { depth: 27, hidden_size: 1152 },
};
const read = (c: object) => parseHfConfig(JSON.stringify(c, null, 2), "qwen3-vl.json");

describe("Qwen3-VL (qwen3_vl_moe / qwen3_vl: the language model under text_config)", () => {
  it("reads Qwen3-VL-235B-A22B's language model as Qwen3-235B-A22B's architecture", () => {
    const vl = read(wrapper);
    const q3 = builtinModel("qwen3-235b-a22b");
    expect(vl.family).toBe("qwen3_moe");
    expect(vl.attention).toEqual(q3.attention);
    expect(vl.moe).toEqual(q3.moe);
    expect(vl.maxPositionEmbeddings).toBe(262_144);
    expect(countParameters(vl).total).toBe(countParameters(q3).total);
    // The bare text config reads the same.
    expect(read(text).moe).toEqual(q3.moe);
    expect(builtinModel("qwen3-vl-235b-a22b").moe).toEqual(q3.moe);
  });

  it("reads a dense Qwen3-VL's Qwen3 language model with per-head q/k norm", () => {
    const dense = {
      model_type: "qwen3_vl",
      text_config: {
        model_type: "qwen3_vl_text",
        hidden_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        intermediate_size: 128,
        vocab_size: 100,
      },
    };
    const arch = read(dense);
    expect(arch.family).toBe("qwen3");
    expect(arch.attention).toMatchObject({ kind: "gqa", numKvHeads: 2, qkNorm: true });
  });
});
