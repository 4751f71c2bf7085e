import { describe, expect, it } from "vitest";
import { checkpointWeightFormats } from "./checkpoint-formats.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken, kvBytesPerTokenPerLayer } from "./kv-cache.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { countParameters } from "./parameters.ts";
import { weightBytes } from "./weight-bytes.ts";
import { builtinModel } from "./zoo.ts";

const rel = (ours: number, published: number) => Math.abs(ours - published) / published;

describe("models people run now", () => {
  it.each([
    // id, published total, published activated, tolerance (published precision)
    ["gpt-oss-120b", 116.83e9, 5.13e9, 0.001], // arXiv:2508.10925 Table 1
    ["gpt-oss-20b", 20.91e9, 3.61e9, 0.001],
    ["qwen3-30b-a3b", 30.5e9, undefined, 0.005], // model card: 30.5B total
    ["qwen3-235b-a22b-fp8", 235e9, 22e9, 0.02],
    ["deepseek-r1-fp4", 671e9, 37e9, 0.02],
    ["kimi-k2-fp4", 1.04e12, 32e9, 0.02],
    ["glm-5", 744e9, 40e9, 0.02], // arXiv:2602.15763 architecture table (glm_moe_dsa read as DeepSeek-V3.2)
  ] as const)("%s matches its published totals", (id, total, activated, tolerance) => {
    const c = countParameters(builtinModel(id));
    expect(rel(c.total, total)).toBeLessThan(tolerance);
    if (activated !== undefined) expect(rel(c.activatedPerToken, activated)).toBeLessThan(tolerance * 5);
  });

  it("counts Qwen3-30B-A3B's 3.3B activated with the embedding table, as the card does", () => {
    expect(rel(countParameters(builtinModel("qwen3-30b-a3b")).activatedWithEmbedding, 3.3e9)).toBeLessThan(
      0.02,
    );
  });

  it("reads gpt-oss: 128 or 32 experts top-4, biases, sinks, alternating windows", () => {
    const big = builtinModel("gpt-oss-120b");
    expect(big.family).toBe("gpt_oss");
    expect(big.moe?.numRoutedExperts).toBe(128);
    expect(builtinModel("gpt-oss-20b").moe?.numRoutedExperts).toBe(32);
    expect(big.moe?.topK).toBe(4);
    expect(big.attention).toMatchObject({
      kind: "gqa",
      numKvHeads: 8,
      headDim: 64,
      sinks: true,
      outputBias: true,
    });
    expect(big.slidingWindow?.size).toBe(128);
    expect(big.slidingWindow?.layers).toEqual(Array.from({ length: 18 }, (_, i) => 2 * i));
    expect(layerGroups(big).map((g) => [g.kind, g.window, g.count])).toEqual([
      ["moe", undefined, 18],
      ["moe", 128, 18],
    ]);
  });

  it("sizes the gpt-oss checkpoints as published (MXFP4 experts, BF16 rest: 60.8 and 12.8 GiB)", () => {
    for (const [id, gib] of [
      ["gpt-oss-120b", 60.8],
      ["gpt-oss-20b", 12.8],
    ] as const) {
      const a = builtinModel(id);
      const b = weightBytes(a, a.nativeDtype, { components: checkpointWeightFormats(a) });
      expect(rel(b.total / 2 ** 30, gib)).toBeLessThan(0.03);
    }
  });

  it("stores the FP4 presets' experts in NVFP4 beside their attention format", () => {
    const r1 = builtinModel("deepseek-r1-fp4");
    const f = checkpointWeightFormats(r1);
    expect(f["routed-experts"]?.scheme).toBe("nvfp4-g16");
    expect(f.attention?.dtype).toBe("fp8");
    const fp4 = weightBytes(r1, r1.nativeDtype, { components: f }).total;
    expect(fp4).toBeLessThan(0.6 * weightBytes(r1, "fp8").total);
    expect(checkpointWeightFormats(builtinModel("kimi-k2-fp4")).attention?.dtype).toBe("bf16");
    expect(builtinModel("qwen3-235b-a22b-fp8").nativeDtype).toBe("fp8");
  });
});

describe("sliding-window attention", () => {
  const arch = builtinModel("gpt-oss-120b");
  const perLayer = kvBytesPerTokenPerLayer(arch, "bf16");

  it("caps the windowed layers' KV: 18 full layers grow with context, 18 hold 128 tokens", () => {
    expect(perLayer).toBe(2 * 8 * 64 * 2);
    expect(kvBytesPerToken(arch, "bf16")).toBe(36 * perLayer);
    expect(kvBytesPerToken(arch, "bf16", { contextTokens: 8192 })).toBeCloseTo(
      (18 + (18 * 128) / 8192) * perLayer,
      6,
    );
    expect(kvBytesPerToken(arch, "bf16", { contextTokens: 64 })).toBe(36 * perLayer);
  });

  it("counts the windowed layers in full when the engine's cache keeps the whole context", () => {
    const sw = arch.slidingWindow;
    if (sw === undefined) throw new Error("gpt-oss-120b has sliding-window layers");
    const asRun = { ...arch, slidingWindow: { ...sw, cacheKeepsFullContext: true } };
    expect(kvBytesPerToken(asRun, "bf16", { contextTokens: 8192 })).toBe(36 * perLayer);
  });

  it("caps a windowed layer's attention pairs and KV reads in decode and prefill", () => {
    const decode = { phase: "decode", sequences: 4, kvTokens: 4 * 8192 } as const;
    const core = (index: number, w: Parameters<typeof layerOperators>[2]) =>
      layerOperators(arch, index, w).find((o) => o.name === "attn.core");
    const full = core(1, decode);
    const windowed = core(0, decode);
    expect(windowed?.attention?.meanKeysPerQuery).toBeLessThanOrEqual(128);
    expect(full?.attention?.meanKeysPerQuery).toBeGreaterThan(8000);
    expect((windowed?.flops ?? 0) / (full?.flops ?? 1)).toBeLessThan(0.02);
    expect(windowed?.bytesRead.kvCache).toBe(4 * 128 * perLayer);
    const prefill = {
      phase: "prefill",
      sequences: 1,
      newTokens: 4096,
      attendedTokenPairs: (4096 * 4097) / 2,
    } as const;
    expect(core(0, prefill)?.flops).toBe(4 * 4096 * 128 * 64 * 64);
    // The projections do not depend on the window.
    const proj = (i: number) =>
      layerOperators(arch, i, decode).find((o) => o.name === "attn.qkv_proj")?.flops;
    expect(proj(0)).toBe(proj(1));
  });

  it("refuses layer_types that do not match the layer count, naming the field", () => {
    const text = JSON.stringify({
      model_type: "qwen3",
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      intermediate_size: 128,
      sliding_window: 16,
      layer_types: ["sliding_attention"],
    });
    expect(() => parseHfConfig(text, "my.json")).toThrow(
      /my\.json:1:.*layer_types has 1 entries but num_hidden_layers is 2/,
    );
    const noWindow = text
      .replace('"sliding_window":16,', "")
      .replace('["sliding_attention"]', '["sliding_attention","full_attention"]');
    expect(() => parseHfConfig(noWindow, "my.json")).toThrow(/sliding_window is missing/);
  });
});

describe("Llama 4 (llama4_text)", () => {
  it("reads Maverick: 24 dense + 24 MoE layers, one shared expert, chunked attention on 36 layers", () => {
    const m = builtinModel("llama-4-maverick");
    expect(m.family).toBe("llama4");
    expect(m.denseIntermediateSize).toBe(16384);
    expect(m.moe).toMatchObject({
      numRoutedExperts: 128,
      topK: 1,
      numSharedExperts: 1,
      expertIntermediateSize: 8192,
    });
    expect(layerGroups(m).map((g) => [g.kind, g.window, g.count])).toEqual([
      ["dense", 8192, 24], // NoPE (global) layers are 3, 7, 11, …: all odd, so all MoE
      ["moe", undefined, 12],
      ["moe", 8192, 12],
    ]);
    const c = countParameters(m);
    expect(rel(c.total, 400e9)).toBeLessThan(0.005); // model card: 400B total
    expect(rel(c.activatedWithEmbedding, 17e9)).toBeLessThan(0.02); // model card: 17B activated
  });

  // A four-layer llama4_text config with the given per-layer lists.
  const tiny = (lists: object) =>
    JSON.stringify({
      model_type: "llama4_text",
      hidden_size: 64,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      vocab_size: 100,
      intermediate_size: 32,
      intermediate_size_mlp: 64,
      num_local_experts: 4,
      num_experts_per_tok: 1,
      ...lists,
    });

  it("refuses a no_rope_layers list of the wrong length, naming the field", () => {
    const text = tiny({ attention_chunk_size: 16, no_rope_layers: [1, 0] });
    expect(() => parseHfConfig(text, "l4.json")).toThrow(
      /no_rope_layers has 2 entries but num_hidden_layers is 4/,
    );
  });

  it("refuses a moe_layers index past the last layer, naming the field", () => {
    expect(() => parseHfConfig(tiny({ moe_layers: [1, 3, 4] }), "l4.json")).toThrow(
      /l4\.json.*moe_layers lists layer 4 but num_hidden_layers is 4; expected layer indices 0 to 3/s,
    );
  });
});

describe("a full Llama 4 config (model_type llama4, the text model under text_config)", () => {
  it("reads the text model as the zoo's llama4_text file does", () => {
    const zoo = builtinModel("llama-4-maverick");
    const text = JSON.stringify({
      model_type: "llama4",
      architectures: ["Llama4ForConditionalGeneration"],
      text_config: {
        model_type: "llama4_text",
        hidden_size: 5120,
        num_hidden_layers: 48,
        num_attention_heads: 40,
        num_key_value_heads: 8,
        head_dim: 128,
        vocab_size: 202048,
        intermediate_size: 8192,
        intermediate_size_mlp: 16384,
        num_local_experts: 128,
        num_experts_per_tok: 1,
        interleave_moe_layer_step: 2,
        attention_chunk_size: 8192,
      },
      vision_config: { hidden_size: 1408 },
    });
    const full = parseHfConfig(text, "config.json");
    expect(full.family).toBe("llama4");
    expect(countParameters(full).total).toBe(countParameters(zoo).total);
    expect(layerGroups(full)).toEqual(layerGroups(zoo));
  });

  it("names text_config's missing field", () => {
    const text = JSON.stringify({ model_type: "llama4", text_config: { hidden_size: 64 } });
    expect(() => parseHfConfig(text, "config.json")).toThrow(/text_config/);
  });
});
