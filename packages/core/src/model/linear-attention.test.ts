import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { isLinearAttentionLayer, linearStateBytesPerSequence } from "./linear-attention.ts";
import { countParameters } from "./parameters.ts";
import { fullAttentionLayers } from "./sliding-window.ts";
import { builtinModel } from "./zoo.ts";

const arch = builtinModel("qwen3-next-80b-a3b");
// 32 value heads × 128 × 128 FP32 recurrent state + 3 × (2·16·128 + 32·128) BF16 conv state, per layer.
const STATE_PER_LAYER = 32 * 128 * 128 * 4 + 3 * 8192 * 2;

describe("Qwen3-Next (qwen3_next): Gated DeltaNet linear attention", () => {
  it("makes every 4th layer full (gated) attention and the other 36 linear", () => {
    expect(arch.family).toBe("qwen3_next");
    expect(arch.linearAttention?.layers).toHaveLength(36);
    expect(isLinearAttentionLayer(arch, 2)).toBe(true);
    expect(isLinearAttentionLayer(arch, 3)).toBe(false);
    expect(fullAttentionLayers(arch)).toBe(12);
    expect(arch.attention).toMatchObject({ kind: "gqa", numKvHeads: 2, headDim: 256, outputGate: true });
    expect(layerGroups(arch).map((g) => [g.kind, g.linear === true, g.count])).toEqual([
      ["moe", false, 12],
      ["moe", true, 36],
    ]);
  });

  it("counts 79.7 B parameters against the published 80 B", () => {
    expect(Math.abs(countParameters(arch).total / 80e9 - 1)).toBeLessThan(0.01);
  });

  it("keeps a fixed state per sequence, amortised over the context in the bytes per token", () => {
    expect(linearStateBytesPerSequence(arch, "bf16")).toBe(36 * STATE_PER_LAYER);
    const at = (context: number) => kvBytesPerToken(arch, "bf16", { contextTokens: context });
    expect(at(4096)).toBeCloseTo(12 * 2048 + (36 * STATE_PER_LAYER) / 4096, 6);
    // Twice the context: the KV part stays per token, the state's share halves.
    expect(at(4096) - at(8192)).toBeCloseTo((36 * STATE_PER_LAYER) / 8192, 6);
  });

  it("decode reads and writes each sequence's state once per step; prefill runs the chunked rule", () => {
    const decode = layerOperators(
      arch,
      0,
      { phase: "decode", sequences: 8, kvTokens: 8 * 4096 },
      { attentionTp: 2 },
    );
    const core = decode.find((o) => o.name === "lin.delta_rule");
    expect(core?.bytesRead.kvCache).toBe(8 * 16 * 128 * 128 * 4); // 16 value heads per rank
    expect(core?.bytesWritten.kvCache).toBe(8 * 16 * 128 * 128 * 4);
    expect(decode.some((o) => o.name === "attn.core")).toBe(false);
    const prefill = layerOperators(arch, 0, {
      phase: "prefill",
      sequences: 2,
      newTokens: 8192,
      attendedTokenPairs: 2 * ((4096 * 4097) / 2),
    });
    const chunked = prefill.find((o) => o.name === "lin.delta_rule");
    expect(chunked?.class).toBe("gemm");
    // ≈ (6·dk·dv + 64·(6dk + 4dv) + 64²/3) FLOPs per token and value head.
    expect((chunked?.flops ?? 0) / (8192 * 32)).toBeGreaterThan(1.7e5);
    expect((chunked?.flops ?? 0) / (8192 * 32)).toBeLessThan(1.9e5);
    const full = layerOperators(arch, 3, { phase: "decode", sequences: 8, kvTokens: 8 * 4096 });
    expect(full.some((o) => o.name === "attn.output_gate")).toBe(true);
  });

  it("reads layer_types when the config lists them, and refuses a TP that splits a head", () => {
    const base = {
      model_type: "qwen3_next",
      hidden_size: 64,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      head_dim: 16,
      vocab_size: 100,
      intermediate_size: 64,
      num_experts: 4,
      num_experts_per_tok: 2,
      moe_intermediate_size: 16,
      shared_expert_intermediate_size: 16,
      full_attention_interval: 4,
      linear_num_key_heads: 2,
      linear_num_value_heads: 4,
      linear_key_head_dim: 8,
      linear_value_head_dim: 8,
    };
    const listed = parseHfConfig(
      JSON.stringify({
        ...base,
        layer_types: ["full_attention", "linear_attention", "linear_attention", "full_attention"],
      }),
      "q3n.json",
    );
    expect(listed.linearAttention?.layers).toEqual([1, 2]);
    expect(parseHfConfig(JSON.stringify(base), "q3n.json").linearAttention?.layers).toEqual([0, 1, 2]);
    const e = supernodeErrorOf(() =>
      layerOperators(listed, 1, { phase: "decode", sequences: 3, kvTokens: 30 }, { attentionTp: 4 }),
    );
    expect(e.message).toMatch(/linear_num_key_heads/);
    const short = supernodeErrorOf(() =>
      parseHfConfig(
        JSON.stringify({ ...base, layer_types: ["full_attention", "linear_attention"] }),
        "q3n.json",
      ),
    );
    expect(short.message).toMatch(/q3n\.json.*layer_types has 2 entries but num_hidden_layers is 4/);
  });
});
