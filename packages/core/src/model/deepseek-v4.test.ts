import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { compressedEntryBytes, compressRatio } from "./compressed-attention.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel } from "./zoo.ts";

const pro = builtinModel("deepseek-v4-pro");
const flash = builtinModel("deepseek-v4-flash");

function rel(ours: number, published: number): number {
  return Math.abs(ours / published - 1);
}

/** A tiny V4 config (the real keys, small sizes) for the error cases. */
const tiny = {
  model_type: "deepseek_v4",
  hidden_size: 256,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 1,
  head_dim: 128,
  qk_rope_head_dim: 32,
  q_lora_rank: 64,
  o_groups: 2,
  o_lora_rank: 64,
  vocab_size: 1000,
  n_routed_experts: 8,
  n_shared_experts: 1,
  num_experts_per_tok: 2,
  moe_intermediate_size: 128,
  sliding_window: 16,
  compress_ratios: [0, 4, 128, 4, 0],
  index_n_heads: 4,
  index_head_dim: 32,
  index_topk: 8,
  hc_mult: 4,
  num_hash_layers: 1,
  num_nextn_predict_layers: 1,
};

describe("DeepSeek-V4 (deepseek_v4)", () => {
  it("reads the per-layer compression: Pro 30 ratio-4 and 31 ratio-128 layers, Flash 21 / 20 and 2 window-only", () => {
    const count = (a: typeof pro, r: number) =>
      a.attention.kind === "mla" ? a.attention.compressed?.ratios.filter((x) => x === r).length : undefined;
    expect([count(pro, 4), count(pro, 128), count(pro, 0)]).toEqual([30, 31, 0]);
    expect([count(flash, 4), count(flash, 128), count(flash, 0)]).toEqual([21, 20, 2]);
    // The entry after the main layers is the MTP layer's: window only.
    expect(compressRatio(pro, pro.numLayers)).toBe(0);
    expect(pro.hyperConnections).toEqual({ streams: 4, sinkhornIters: 20 });
    expect(pro.moe).toMatchObject({ numRoutedExperts: 384, topK: 6, firstKDenseLayers: 0, hashLayers: 3 });
    expect(pro.checkpointComponents?.["routed-experts"]).toEqual({ dtype: "fp4", scheme: "mxfp4-g32" });
  });

  it("counts DeepSeek's published totals: Pro 1.6 T / 49 B active, Flash 284 B / 13 B (rounded)", () => {
    const p = countParameters(pro);
    const f = countParameters(flash);
    expect(rel(p.total, 1.6e12)).toBeLessThan(0.02);
    expect(rel(p.activatedPerToken, 49e9)).toBeLessThan(0.005);
    expect(rel(f.total, 284e9)).toBeLessThan(0.002);
    expect(Math.round(f.activatedPerToken / 1e9)).toBe(13);
  });

  it("counts a Flash ratio-4 layer key by key", () => {
    const [h, heads, d, q, g, r, ih, id] = [4096, 64, 512, 1024, 8, 1024, 64, 128];
    const attention =
      q * h + q + heads * d * q + d * h + d + g * r * ((heads * d) / g) + h * g * r + heads + 2 * h;
    const compressor = 2 * 2 * d * h + 4 * 2 * d + d;
    const indexer = 2 * 2 * id * h + 4 * 2 * id + id + ih * id * q + ih * h;
    const hc = 2 * ((2 + 4) * 4 * 4 * h + (2 + 4) * 4 + 3);
    const moe = 256 * h + 256 + 256 * 3 * h * 2048 + 3 * h * 2048;
    // Layer 4: ratio 4, past the 3 hash-routed layers (layer 2, hash-routed, has no score bias).
    expect(countParameters(flash).perLayer[4]).toBe(attention + compressor + indexer + hc + moe);
    expect(countParameters(flash).perLayer[2]).toBe(attention + compressor + indexer + hc + moe - 256);
  });

  it("caches 584 B per entry in FP8 (FlashMLA MODEL1) and 9.6 GiB per 1M-token Pro sequence in BF16", () => {
    expect(compressedEntryBytes(pro.attention as never, "fp8")).toBe(584);
    expect(compressedEntryBytes(pro.attention as never, "bf16")).toBe(1024);
    const ctx = 1_048_576;
    const v4 = kvBytesPerToken(pro, "bf16", { contextTokens: ctx, indexerDtype: "bf16" }) * ctx;
    const v32 = kvBytesPerToken(builtinModel("deepseek-v3.2-exp"), "bf16", { indexerDtype: "bf16" }) * ctx;
    // The tech report's figures as relayed: 9.62 GiB, 8.7x below DeepSeek-V3.2 (our 0.02 GiB more
    // is the compressors' FP32 state).
    expect(rel(v4 / 2 ** 30, 9.62)).toBeLessThan(0.005);
    expect(v32 / v4).toBeCloseTo(8.7, 1);
  });

  it("times one layer per (FFN kind, ratio)", () => {
    expect(layerGroups(pro).map((g) => [g.compressRatio, g.hashRouted === true, g.index, g.count])).toEqual([
      [128, true, 0, 2],
      [4, true, 2, 1],
      [128, false, 3, 29],
      [4, false, 4, 29],
    ]);
    expect(layerGroups(flash).map((g) => [g.compressRatio, g.hashRouted === true, g.count])).toEqual([
      [0, true, 2],
      [4, true, 1],
      [128, false, 20],
      [4, false, 20],
    ]);
  });

  it("attends the window plus context / 128 (HCA) or the indexer's top-k of context / 4 (CSA)", () => {
    const work = { phase: "decode" as const, sequences: 8, kvTokens: 8 * 65536 };
    const core = (i: number) =>
      layerOperators(pro, i, work, { kvDtype: "fp8" }).find((o) => o.name === "attn.core");
    // The step's new token counts in the context it attends: (65,536 + 1) / 128 entries.
    expect(core(0)?.bytesRead.kvCache).toBe(8 * (128 + 65537 / 128) * 584);
    expect(core(2)?.bytesRead.kvCache).toBe(8 * (128 + 1024) * 584);
    expect(core(2)?.attention?.sparse).toBe(true);
    const csa = layerOperators(pro, 2, work, { kvDtype: "fp8", indexerDtype: "fp4" });
    // The indexer scores every compressed entry: 64 FP4 bytes + a packed UE8M0 scale each.
    expect(csa.find((o) => o.name === "attn.indexer.scores")?.bytesRead.kvCache).toBe((8 * 65537 * 68) / 4);
    const names = csa.map((o) => o.name);
    for (const n of [
      "attn_hc.pre",
      "attn.compressor.kv_gate_proj",
      "attn.o_a_proj",
      "attn.o_b_proj",
      "ffn_hc.post",
    ])
      expect(names).toContain(n);
    expect(names).not.toContain("attn.q_absorb");
  });

  it("hash-routed layers select experts by table, with the balanced load when the step gives one", () => {
    const work = { phase: "decode" as const, sequences: 64, kvTokens: 64 * 4096 };
    const skewed = { localExperts: 8, tokensPerLocalExpert: 40, balancedTokensPerLocalExpert: 10 };
    const names = (i: number) => layerOperators(pro, i, work, skewed).map((o) => o.name);
    expect(names(0)).toContain("moe.hash_select");
    expect(names(0)).not.toContain("moe.topk");
    expect(names(3)).toContain("moe.topk");
    const rows = (i: number) =>
      layerOperators(pro, i, work, skewed).find((o) => o.name === "moe.experts.gate_up_proj")?.shape?.m;
    expect(rows(0)).toBe(10);
    expect(rows(3)).toBe(40);
  });

  it("splits the grouped output projection over TP, a share of one group above o_groups", () => {
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 4096 };
    const oa = (tp: number) =>
      layerOperators(flash, 2, work, { attentionTp: tp }).find((o) => o.name === "attn.o_a_proj");
    // TP 8: one group of 8 heads × 512 per rank; TP 32: 2 heads × 512 of a group.
    expect(oa(8)?.flops).toBe(2 * 4 * 1024 * 4096);
    expect(oa(32)?.flops).toBe(2 * 4 * 1024 * 1024);
  });

  it("runs prefill: keys per query capped by window + compressed entries", () => {
    const work = {
      phase: "prefill" as const,
      sequences: 1,
      newTokens: 8192,
      attendedTokenPairs: (8192 * 8193) / 2,
    };
    const hca = layerOperators(pro, 0, work).find((o) => o.name === "attn.core");
    expect(hca?.attention?.meanKeysPerQuery).toBeLessThan(128 + 8192 / 128 / 2 + 1);
    const csa = layerOperators(pro, 2, work).find((o) => o.name === "attn.core");
    expect(csa?.attention?.meanKeysPerQuery).toBeLessThanOrEqual(128 + 1024);
  });

  it("names the field of a bad config", () => {
    const bad = (patch: Record<string, unknown>) =>
      supernodeErrorOf(() => parseHfConfig(JSON.stringify({ ...tiny, ...patch }, null, 2), "v4.json"));
    expect(bad({ compress_ratios: [0, 4] }).message).toMatch(
      /compress_ratios has 2 entries.*num_hidden_layers is 4/,
    );
    expect(bad({ compress_ratios: [0, 8, 4, 4] }).location.fieldPath?.[0]).toBe("compress_ratios");
    expect(bad({ o_groups: 3 }).message).toMatch(/multiple of o_groups 3/);
    expect(bad({ head_dim: 32 }).message).toMatch(/head_dim 32 must exceed qk_rope_head_dim 32/);
    const ok = parseHfConfig(JSON.stringify(tiny), "v4.json");
    expect(countParameters(ok).total).toBeGreaterThan(0);
  });
});
