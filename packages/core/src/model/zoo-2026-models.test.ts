import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { checkpointWeightFormats } from "./checkpoint-formats.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { countParameters } from "./parameters.ts";
import { weightBytes } from "./weight-bytes.ts";
import { builtinModel } from "./zoo.ts";

const rel = (ours: number, published: number) => Math.abs(ours / published - 1);

describe("models served in 2026 (zoo files and aliases)", () => {
  it.each([
    // id, published total, published activated, tolerance (published precision)
    ["qwen3-coder-480b-a35b", 480e9, 35e9, 0.01], // model card: 480B total, 35B activated
    ["kimi-k2.5", 1.04e12, 32e9, 0.02], // Kimi K2's backbone (arXiv:2507.20534); card: 32B activated
  ] as const)("%s matches its published totals", (id, total, activated, tolerance) => {
    const c = countParameters(builtinModel(id));
    expect(rel(c.total, total)).toBeLessThan(tolerance);
    expect(rel(c.activatedPerToken, activated)).toBeLessThan(tolerance * 2);
  });

  it.each([
    // id, published total, activated (with the embedding table), tolerance, KV bytes per token (BF16)
    ["qwen3.5-122b-a10b", 122e9, 10e9, 0.025, 12 * 2 * 256 * 2 * 2], // card: 122B, A10B (rounded)
    ["llama-4-scout", 109e9, 17e9, 0.015, 48 * 8 * 128 * 2 * 2], // card: 109B total, 17B activated
    ["mixtral-8x22b", 141e9, 39e9, 0.005, 56 * 8 * 128 * 2 * 2], // mistral.ai: 141B, 39B active
  ] as const)(
    "%s (added 2026-12-05) matches its published totals and KV bytes",
    (id, total, active, tol, kv) => {
      const m = builtinModel(id);
      const c = countParameters(m);
      expect(rel(c.total, total)).toBeLessThan(tol);
      expect(rel(c.activatedWithEmbedding, active)).toBeLessThan(tol);
      // Full-attention layers only (Qwen3.5's 36 Gated DeltaNet layers keep a fixed state instead).
      expect(kvBytesPerToken(m, "bf16", { withoutLinearState: true })).toBe(kv);
    },
  );

  it("reads Kimi K2.5's kimi_k25 wrapper as Kimi K2's language model, INT4 experts as published", () => {
    const k25 = builtinModel("kimi-k2.5");
    const k2 = builtinModel("kimi-k2");
    expect(k25.family).toBe("deepseek_v3");
    expect(k25.attention).toEqual(k2.attention);
    expect(k25.moe).toEqual(k2.moe);
    expect(countParameters(k25).total).toBe(countParameters(k2).total);
    expect(k25.maxPositionEmbeddings).toBe(262_144);
    expect(k25.checkpointComponents?.["routed-experts"]).toEqual({ dtype: "int4", scheme: "int4-g32" });
    // 384 experts × 60 layers × 3 × 7,168 × 2,048 INT4 values with one BF16 scale per 32: 570.8 GB.
    const experts = weightBytes(k25, "bf16", { components: checkpointWeightFormats(k25) }).byComponent[
      "routed-experts"
    ];
    expect((experts ?? 0) / 1e9).toBeCloseTo(570.8, 0);
    expect(builtinModel("kimi-k2.6").moe).toEqual(k25.moe);
  });

  it("names text_config's field when a kimi_k25 config is incomplete", () => {
    const text = { model_type: "kimi_k2", hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4 };
    const e = supernodeErrorOf(() =>
      parseHfConfig(JSON.stringify({ model_type: "kimi_k25", text_config: text }, null, 2), "k25.json"),
    );
    expect(e.location?.fieldPath?.[0]).toBe("text_config");
    expect(e.message).toMatch(/^k25\.json:\d+:\d+, field text_config\.\w+: required field is missing/);
  });

  it("resolves the releases that keep an earlier architecture to that architecture", () => {
    for (const [alias, base] of [
      ["deepseek-v3.1", "deepseek-v3"],
      ["deepseek-v3.2", "deepseek-v3.2-exp"],
      ["llama-3.3-70b", "llama-3.1-70b"],
      ["kimi-k2-thinking", "kimi-k2.5"],
      ["minimax-m2.5", "minimax-m2"],
      ["minimax-m2.7", "minimax-m2"],
      ["glm-5.1", "glm-5"],
      ["qwen3-vl-235b-a22b", "qwen3-235b-a22b"],
    ] as const) {
      const a = builtinModel(alias);
      const b = builtinModel(base);
      expect(a.id).toBe(alias);
      expect({ ...a, id: "", name: "", source: "" }).toEqual({ ...b, id: "", name: "", source: "" });
    }
    expect(builtinModel("deepseek-v3.2").attention).toMatchObject({ kind: "mla", sparse: { topK: 2048 } });
  });
});
