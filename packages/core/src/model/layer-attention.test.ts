import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { attentionSpecs, layerArchitecture, layerAttention } from "./layer-attention.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import type { ModelWorkload } from "./layer-work.ts";
import { countParameters } from "./parameters.ts";
import { expectDecodeFlops } from "./test-support/decode-flops.ts";
import type { Operator } from "./types.ts";
import { modelLayerTensors } from "./weight-tensors.ts";
import { builtinModel } from "./zoo.ts";

function op(ops: readonly Operator[], name: string): Operator {
  const found = ops.find((o) => o.name === name);
  if (found === undefined) throw new Error(`no operator ${name}`);
  return found;
}

/** A small MiMo-V2-Flash-shaped config: 4 layers, global layer 0, windowed 1-3, MoE from layer 1. */
const mimoLike = {
  model_type: "mimo_v2_flash",
  hidden_size: 64,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  head_dim: 24,
  v_head_dim: 16,
  swa_num_attention_heads: 12,
  swa_num_key_value_heads: 4,
  swa_head_dim: 24,
  swa_v_head_dim: 16,
  hybrid_layer_pattern: [0, 1, 1, 1],
  sliding_window: 8,
  moe_layer_freq: [0, 1, 1, 1],
  n_routed_experts: 4,
  num_experts_per_tok: 2,
  moe_intermediate_size: 32,
  intermediate_size: 128,
  vocab_size: 100,
  add_swa_attention_sink_bias: true,
};

describe("per-layer attention shapes", () => {
  it("reads MiMo-V2-Flash's global and windowed layers with their own KV heads", () => {
    const arch = builtinModel("mimo-v2-flash");
    expect(layerAttention(arch, 0)).toMatchObject({
      numHeads: 64,
      numKvHeads: 4,
      headDim: 192,
      vHeadDim: 128,
    });
    expect(layerAttention(arch, 1)).toMatchObject({
      numHeads: 64,
      numKvHeads: 8,
      headDim: 192,
      vHeadDim: 128,
      sinks: true,
    });
    expect(layerArchitecture(arch, 0)).toBe(arch);
    expect(layerArchitecture(arch, 1)).toBe(layerArchitecture(arch, 2));
    // 1 dense global, 8 MoE global, 39 MoE windowed: timed as three groups.
    expect(layerGroups(arch).map((g) => [g.kind, g.window, g.count])).toEqual([
      ["dense", undefined, 1],
      ["moe", undefined, 8],
      ["moe", 128, 39],
    ]);
    const tensors = modelLayerTensors(arch);
    const rows = (layer: number, name: string) => tensors[layer]?.find((t) => t.name === name)?.rows;
    expect([rows(0, "attn.k_proj"), rows(0, "attn.v_proj")]).toEqual([4 * 192, 4 * 128]);
    expect([rows(1, "attn.k_proj"), rows(1, "attn.v_proj")]).toEqual([8 * 192, 8 * 128]);
    expect(tensors[1]?.find((t) => t.name === "attn.o_proj")?.cols).toBe(64 * 128);
  });

  it("runs each layer's own shape in the operators (scores over q/k dims, values over v dims)", () => {
    const arch = builtinModel("mimo-v2-flash");
    const w: ModelWorkload = { phase: "decode", sequences: 4, kvTokens: 4 * 100 };
    const global = layerOperators(arch, 5, w);
    const windowed = layerOperators(arch, 6, w);
    expect(op(global, "attn.qkv_proj").shape?.n).toBe(64 * 192 + 4 * 192 + 4 * 128);
    expect(op(windowed, "attn.qkv_proj").shape?.n).toBe(64 * 192 + 8 * 192 + 8 * 128);
    // Decode over 100 cached tokens + the new one each (inside the 128-token window):
    // 2 × pairs × heads × (192 + 128).
    expect(op(global, "attn.core").flops).toBe(2 * 4 * 101 * 64 * 320);
    expect(op(windowed, "attn.core").bytesRead.kvCache).toBe(4 * 101 * 8 * 320 * 2);
    expect(op(windowed, "attn.o_proj").shape?.k).toBe(64 * 128);
  });

  it("keeps Gemma 4's global values in k_proj: no v_proj, a cache of keys and values", () => {
    const arch = builtinModel("gemma-4-26b-a4b");
    const global = layerOperators(arch, 5, { phase: "decode", sequences: 2, kvTokens: 2 * 50 });
    expect(op(global, "attn.qkv_proj").shape?.n).toBe(16 * 512 + 2 * 512);
    expect(op(global, "attn.core").bytesRead.kvCache).toBe(2 * 51 * 2 * 1024 * 2);
    expect(modelLayerTensors(arch)[5]?.some((t) => t.name === "attn.v_proj")).toBe(false);
    expect(modelLayerTensors(arch)[0]?.find((t) => t.name === "attn.v_proj")?.rows).toBe(8 * 256);
  });

  it.each(["mimo-v2-flash", "gemma-4-26b-a4b", "gemma-4-31b"])(
    "%s: a decode step costs 2 × activated parameters per token + attention (±1%%)",
    (id) => expectDecodeFlops(builtinModel(id), { maxSequences: 256, numRuns: 8 }),
  );

  it("splits each layer kind's KV over its own KV heads under attention TP", () => {
    const arch = builtinModel("mimo-v2-flash");
    const full = 9 * 4 * 320 * 2;
    const windowed = 39 * 8 * 320 * 2 * (128 / 8192);
    expect(kvBytesPerToken(arch, "bf16", { contextTokens: 8192 })).toBeCloseTo(full + windowed, 6);
    // TP8: the global layers' 4 KV heads replicate in pairs (split 4), the windowed layers' 8 split 8.
    expect(kvBytesPerToken(arch, "bf16", { contextTokens: 8192, attentionTp: 8 })).toBeCloseTo(
      full / 4 + windowed / 8,
      6,
    );
  });

  it("checks every layer kind's heads against attention TP", () => {
    const arch = parseHfConfig(JSON.stringify(mimoLike), "mimo.json");
    expect(attentionSpecs(arch).map((a) => a.numHeads)).toEqual([8, 12]);
    const e = supernodeErrorOf(() =>
      layerOperators(arch, 0, { phase: "decode", sequences: 1, kvTokens: 10 }, { attentionTp: 8 }),
    );
    expect(e.kind).toBe("infeasible");
    expect(e.message).toMatch(/sliding-window layers' num_attention_heads \(12\).*attentionTp \(8\)/);
  });

  it("counts the small config key by key", () => {
    const arch = parseHfConfig(JSON.stringify(mimoLike), "mimo.json");
    const p = countParameters(arch);
    const global = 64 * (8 * 24 + 2 * 24 + 2 * 16) + 8 * 16 * 64;
    const windowed = 64 * (12 * 24 + 4 * 24 + 4 * 16) + 12 * 16 * 64 + 12; // + one sink per head
    const norms = 2 * 64;
    const dense = 3 * 64 * 128;
    const moe = 4 * 64 + 4 * 3 * 64 * 32;
    const head = 2 * 100 * 64 + 64;
    expect(p.total).toBe(global + 3 * windowed + 4 * norms + dense + 3 * moe + head);
  });
});

describe("per-layer attention config errors", () => {
  it("names a hybrid_layer_pattern of the wrong length", () => {
    const text = JSON.stringify({ ...mimoLike, hybrid_layer_pattern: [0, 1, 1] }, null, 2);
    const e = supernodeErrorOf(() => parseHfConfig(text, "mimo.json"));
    expect(e.kind).toBe("invalid-value");
    expect(e.location.fieldPath).toEqual(["hybrid_layer_pattern"]);
    expect(e.message).toMatch(/hybrid_layer_pattern has 3 entries but num_hidden_layers is 4/);
  });

  it("names windowed heads that KV heads do not divide", () => {
    const text = JSON.stringify({ ...mimoLike, swa_num_key_value_heads: 5 }, null, 2);
    const e = supernodeErrorOf(() => parseHfConfig(text, "mimo.json"));
    expect(e.location.fieldPath).toEqual(["swa_num_key_value_heads"]);
  });

  const gemmaText = (extra: Record<string, unknown>) =>
    JSON.stringify({
      model_type: "gemma4",
      tie_word_embeddings: true,
      text_config: {
        model_type: "gemma4_text",
        hidden_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        num_global_key_value_heads: 1,
        head_dim: 16,
        global_head_dim: 32,
        attention_k_eq_v: true,
        layer_types: ["sliding_attention", "full_attention"],
        sliding_window: 8,
        intermediate_size: 96,
        vocab_size: 100,
        ...extra,
      },
    });

  it("reads a Gemma 4 text config nested in text_config", () => {
    const arch = parseHfConfig(gemmaText({}), "gemma.json");
    expect(layerAttention(arch, 1)).toMatchObject({
      numKvHeads: 1,
      headDim: 32,
      valueFromKey: true,
      qkNorm: true,
    });
    expect(layerAttention(arch, 0)).toMatchObject({ numKvHeads: 2, headDim: 16, qkNorm: true });
  });

  it("refuses Gemma 4's per-layer embeddings and an MoE block without its keys", () => {
    const ple = supernodeErrorOf(() =>
      parseHfConfig(gemmaText({ hidden_size_per_layer_input: 256 }), "g.json"),
    );
    expect(ple.kind).toBe("unsupported");
    expect(ple.location.fieldPath).toEqual(["text_config", "hidden_size_per_layer_input"]);
    const moe = supernodeErrorOf(() =>
      parseHfConfig(gemmaText({ enable_moe_block: true, num_experts: 8 }), "g.json"),
    );
    expect(moe.message).toMatch(/enable_moe_block is true but top_k_experts is missing/);
    expect(moe.location.fieldPath).toEqual(["text_config", "top_k_experts"]);
  });
});
