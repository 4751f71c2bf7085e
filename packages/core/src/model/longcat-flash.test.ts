import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { layerKinds } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { countParameters } from "./parameters.ts";
import { modelLayerTensors } from "./weight-tensors.ts";
import { expectedRoutedPicks } from "./zero-experts.ts";
import { builtinModel } from "./zoo.ts";

const rel = (ours: number, published: number) => Math.abs(ours / published - 1);

describe("LongCat-Flash (longcat_flash: two sublayers per block, zero-computation experts)", () => {
  const m = builtinModel("longcat-flash");

  it("reads 28 blocks as 56 sublayers, MoE on the first of each pair, the dense MLP as a shared expert", () => {
    expect(m.family).toBe("longcat_flash");
    expect(m.numLayers).toBe(56);
    const kinds = layerKinds(m);
    expect(kinds.filter((k) => k === "moe")).toHaveLength(28);
    expect(kinds.slice(0, 4)).toEqual(["moe", "dense", "moe", "dense"]);
    expect(m.denseIntermediateSize).toBe(12_288);
    expect(m.moe).toMatchObject({
      numRoutedExperts: 512,
      numSharedExperts: 1,
      sharedExpertIntermediateSize: 12_288,
      expertIntermediateSize: 2_048,
      topK: 8,
      zeroExperts: { count: 256, slots: 12 },
      routerBias: true,
    });
  });

  it("matches the published 560 B total and the 18.6–31.3 B (27 B average) activated range", () => {
    const c = countParameters(m);
    expect(rel(c.total, 560e9)).toBeLessThan(0.002); // ours 560.66 B
    expect(rel(c.activatedPerToken, 27e9)).toBeLessThan(0.01); // 8 routed picks: 27.15 B
    // One routed expert in all 28 MoE layers: 28 × 3 × 6,144 × 2,048 parameters.
    const perPick = 28 * 3 * 6_144 * 2_048;
    expect(rel(c.activatedPerToken - 8 * perPick, 18.6e9)).toBeLessThan(0.01); // all picks zero experts
    expect(rel(c.activatedPerToken + 4 * perPick, 31.3e9)).toBeLessThan(0.01); // all 12 picks routed
  });

  it("keeps an MLA cache per sublayer: 56 × (512 + 64) BF16 values per token", () => {
    expect(kvBytesPerToken(m, "bf16")).toBe(56 * 576 * 2);
  });

  it("scores 768 experts, picks 12, and sends only the routed picks to the expert GEMMs", () => {
    const router = modelLayerTensors(m)[0]?.find((t) => t.name === "moe.router");
    expect(router?.rows).toBe(768);
    const ops = layerOperators(m, 0, { phase: "decode", sequences: 64, kvTokens: 64 * 1024 });
    const op = (name: string) => ops.find((o) => o.name === name);
    expect(op("moe.router")?.flops).toBe(2 * 64 * 6_144 * 768);
    // The top-k reads all 768 scores and writes 12 picks (id and weight) per token, BF16 here.
    expect(op("moe.topk")?.flops).toBe(4 * 64 * 768);
    expect(op("moe.topk")?.bytesWritten.activations).toBe(2 * 64 * 12 * 2);
    // 64 tokens × 8 routed picks through gate and up (2 × 2,048 columns of 6,144).
    expect(op("moe.experts.gate_up_proj")?.flops).toBe(2 * 64 * 8 * 4_096 * 6_144);
    // The combine sums all 12 picks (zero experts return the scaled token) and the dense MLP.
    expect(op("moe.combine")?.flops).toBe(2 * 64 * (12 * 6_144 + 6_144));
  });

  it("expects slots × routed / (routed + zero) routed picks", () => {
    expect(expectedRoutedPicks(512, { count: 256, slots: 12 })).toBe(8);
    expect(expectedRoutedPicks(256, { count: 128, slots: 12 })).toBe(8); // LongCat-Flash-Lite's shape
  });

  it("refuses a num_hidden_layers that is not 2 × num_layers, and more picks than experts", () => {
    const base = {
      model_type: "longcat_flash",
      hidden_size: 64,
      num_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      ffn_hidden_size: 128,
      expert_ffn_hidden_size: 32,
      n_routed_experts: 4,
      zero_expert_num: 2,
      moe_topk: 3,
      kv_lora_rank: 16,
      q_lora_rank: 24,
      qk_nope_head_dim: 8,
      qk_rope_head_dim: 4,
      v_head_dim: 8,
    };
    const read = (c: object) => parseHfConfig(JSON.stringify(c, null, 2), "longcat.json");
    expect(read(base).numLayers).toBe(4);
    expect(read(base).moe?.topK).toBe(2);
    const layers = supernodeErrorOf(() => read({ ...base, num_hidden_layers: 3 }));
    expect(layers.location?.fieldPath).toEqual(["num_hidden_layers"]);
    const picks = supernodeErrorOf(() => read({ ...base, moe_topk: 7 }));
    expect(picks.location?.fieldPath).toEqual(["moe_topk"]);
    // Without zero experts the picks are the top-k.
    expect(read({ ...base, zero_expert_num: 0 }).moe).toMatchObject({ topK: 3 });
    expect(read({ ...base, zero_expert_num: 0 }).moe?.zeroExperts).toBeUndefined();
  });
});
