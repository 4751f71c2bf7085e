import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { layerGroups } from "./layer-kinds.ts";
import { countParameters } from "./parameters.ts";
import { modelLayerTensors, tensorElements } from "./weight-tensors.ts";
import { builtinModel } from "./zoo.ts";

const rel = (ours: number, published: number) => Math.abs(ours - published) / published;

const tinyGlm = {
  model_type: "glm4_moe",
  hidden_size: 64,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  head_dim: 16,
  vocab_size: 100,
  intermediate_size: 96,
  moe_intermediate_size: 32,
  n_routed_experts: 8,
  n_shared_experts: 1,
  num_experts_per_tok: 2,
  first_k_dense_replace: 1,
  attention_bias: true,
  use_qk_norm: true,
  num_nextn_predict_layers: 1,
};

const tinyMiniMax = {
  model_type: "minimax_m2",
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  head_dim: 16,
  vocab_size: 100,
  intermediate_size: 32,
  num_local_experts: 8,
  num_experts_per_tok: 2,
  use_qk_norm: true,
  qk_norm_type: "per_layer",
  use_routing_bias: true,
  num_mtp_modules: 3,
};

describe("glm4_moe (GLM-4.5 / 4.6 / 4.7)", () => {
  it("reads GQA with q/k/v biases but no o_proj bias, DeepSeek-style MoE and MTP", () => {
    const a = parseHfConfig(JSON.stringify(tinyGlm), "glm.json");
    expect(a.family).toBe("glm4_moe");
    expect(a.attention).toEqual({
      kind: "gqa",
      numHeads: 8,
      numKvHeads: 2,
      headDim: 16,
      qkvBias: true,
      qkNorm: true,
    });
    expect(a.moe).toMatchObject({ numRoutedExperts: 8, numSharedExperts: 1, topK: 2, firstKDenseLayers: 1 });
    expect(a.moe?.routerBias).toBe(true);
    expect(a.mtpModules).toBe(1);
    expect(layerGroups(a).map((g) => [g.kind, g.count])).toEqual([
      ["dense", 1],
      ["moe", 3],
    ]);
  });

  // The published activated figures are rounded (32B, 10B): checked here within 5 %, not in the zoo's 2 % test.
  it("matches GLM-4.6's published 355B total / 32B activated within 3 %", () => {
    const c = countParameters(builtinModel("glm-4.6"));
    expect(rel(c.total, 355e9)).toBeLessThan(0.03);
    expect(rel(c.activatedPerToken, 32e9)).toBeLessThan(0.03);
    expect(builtinModel("glm-4.7").maxPositionEmbeddings).toBe(202752);
    expect(builtinModel("glm-4.5").maxPositionEmbeddings).toBe(131072);
  });

  it("names a missing MoE key with its file and field", () => {
    const { n_routed_experts: _dropped, ...rest } = tinyGlm;
    const e = supernodeErrorOf(() => parseHfConfig(JSON.stringify(rest), "glm.json"));
    expect(e.kind).toBe("schema");
    expect(e.location.file).toBe("glm.json");
    expect(e.location.fieldPath).toEqual(["n_routed_experts"]);
  });
});

describe("minimax_m2 (MiniMax-M2)", () => {
  it("reads a q/k norm over the whole projection, no shared expert and no MTP", () => {
    const a = parseHfConfig(JSON.stringify(tinyMiniMax), "m2.json");
    expect(a.family).toBe("minimax_m2");
    expect(a.attention).toMatchObject({
      kind: "gqa",
      qkNorm: true,
      qkNormScope: "projection",
      qkvBias: false,
    });
    expect(a.attention).not.toHaveProperty("outputBias");
    expect(a.moe).toMatchObject({ numRoutedExperts: 8, numSharedExperts: 0, expertIntermediateSize: 32 });
    expect(a.mtpModules).toBe(0);
    const layer = modelLayerTensors(a)[0] ?? [];
    const norms = layer.filter((t) => t.name === "attn.q_norm" || t.name === "attn.k_norm");
    expect(norms.map(tensorElements)).toEqual([8 * 16, 2 * 16]);
  });

  it("matches MiniMax-M2's published 230B total / 10B activated within 5 %", () => {
    const m2 = builtinModel("minimax-m2");
    const c = countParameters(m2);
    expect(rel(c.total, 230e9)).toBeLessThan(0.02);
    expect(rel(c.activatedPerToken, 10e9)).toBeLessThan(0.05);
    expect(m2.nativeDtype).toBe("fp8");
  });
});
