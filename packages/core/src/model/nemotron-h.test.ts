import { describe, expect, it } from "vitest";
import { dispatchBytesPerToken } from "../deploy/moe-payload.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken } from "./kv-cache.ts";
import { hasMixer, layerGroups, layerKind } from "./layer-kinds.ts";
import { layerOperators, mtpOperators } from "./layer-operators.ts";
import { linearStateBytesPerSequence } from "./linear-attention.ts";
import { countParameters } from "./parameters.ts";
import { fullAttentionLayers } from "./sliding-window.ts";
import { builtinModel } from "./zoo.ts";

const nano = builtinModel("nemotron-3-nano-30b-a3b");
const sup = builtinModel("nemotron-3-super-120b-a12b");
// 64 heads × state 128 × head dim 64 in FP32, and 3 × (4,096 + 2 × 8 × 128) BF16 conv inputs, per block.
const NANO_STATE_PER_BLOCK = 64 * 128 * 64 * 4 + 3 * (4096 + 2048) * 2;
const decode = { phase: "decode", sequences: 8, kvTokens: 8 * 4096 } as const;

describe("Nemotron-H (nemotron_h): single-mixer blocks", () => {
  it("reads the block pattern: Nano 23 Mamba-2, 23 MoE, 6 attention blocks", () => {
    expect(nano.family).toBe("nemotron_h");
    expect(nano.numLayers).toBe(52);
    expect(nano.hybridBlocks?.slice(0, 6)).toEqual(["mamba", "moe", "mamba", "moe", "mamba", "attention"]);
    expect(nano.linearAttention).toMatchObject({ kind: "mamba2", numValueHeads: 64, keyHeadDim: 128 });
    expect(nano.linearAttention?.layers).toHaveLength(23);
    expect(fullAttentionLayers(nano)).toBe(6);
    expect([layerKind(nano, 0), layerKind(nano, 1), layerKind(nano, 5)]).toEqual(["none", "moe", "none"]);
    expect([hasMixer(nano, 0), hasMixer(nano, 1)]).toEqual([true, false]);
    expect(layerGroups(nano).map((g) => [g.kind, g.linear === true, g.noMixer === true, g.count])).toEqual([
      ["moe", false, true, 23],
      ["none", false, false, 6],
      ["none", true, false, 23],
    ]);
  });

  it("counts parameters key by key: Super to the BF16 safetensors headers, Nano to 31.6 B", () => {
    // 40 F32 router correction biases (512 each) are the whole difference to the headers' BF16 sum.
    expect(countParameters(sup).total - 120_668_687_360).toBe(40 * 512);
    expect(countParameters(sup).mtp - 2_942_324_736).toBe(512);
    expect(Math.abs(countParameters(nano).total / 31.6e9 - 1)).toBeLessThan(0.002);
    // Ultra (layers_block_type, num_hidden_layers null): 550B-A55B by its name.
    const ultra = countParameters(builtinModel("nemotron-3-ultra-550b-a55b"));
    expect(Math.abs(ultra.total / 550e9 - 1)).toBeLessThan(0.005);
    expect(Math.abs(ultra.activatedPerToken / 55e9 - 1)).toBeLessThan(0.005);
    // relu2 experts: up and down only (a SwiGLU expert would have 1.5× the expert parameters).
    expect(countParameters(nano).byComponent["routed-experts"]).toBe(23 * 128 * 2 * 1856 * 2688);
  });

  it("keeps a KV cache in the attention blocks only and a fixed Mamba-2 state per sequence", () => {
    expect(linearStateBytesPerSequence(nano, "bf16")).toBe(23 * NANO_STATE_PER_BLOCK);
    expect(kvBytesPerToken(nano, "bf16", { contextTokens: 8192 })).toBeCloseTo(
      6 * 2 * 2 * 128 * 2 + (23 * NANO_STATE_PER_BLOCK) / 8192,
      6,
    );
  });

  it("runs one mixer per block: Mamba-2 reads and writes its state in decode, a MoE block has no attention", () => {
    const mamba = layerOperators(nano, 0, decode, { attentionTp: 2 });
    expect(mamba.map((o) => o.name)).toEqual([
      "attn.input_norm",
      "lin.in_proj",
      "lin.conv1d",
      "lin.ssd",
      "lin.gated_norm",
      "lin.out_proj",
    ]);
    const ssd = mamba.find((o) => o.name === "lin.ssd");
    expect(ssd?.bytesRead.kvCache).toBe(8 * 32 * 128 * 64 * 4); // 32 heads per rank
    expect(ssd?.bytesWritten.kvCache).toBe(8 * 32 * 128 * 64 * 4);
    const inProj = mamba.find((o) => o.name === "lin.in_proj");
    expect(inProj?.shape?.n).toBe(2 * 2048 + 2 * 512 + 32); // z, x (32 × 64), B, C (4 × 128), dt
    const moe = layerOperators(nano, 1, decode);
    expect(moe[0]?.name).toBe("ffn.post_attention_norm");
    expect(moe.some((o) => o.name.startsWith("attn.") || o.name.startsWith("lin."))).toBe(false);
    const up = moe.find((o) => o.name === "moe.experts.gate_up_proj");
    expect(up?.shape?.n).toBe(1856); // relu2: the up projection alone
    const prefill = layerOperators(nano, 0, {
      phase: "prefill",
      sequences: 2,
      newTokens: 8192,
      attendedTokenPairs: 2 * ((4096 * 4097) / 2),
    });
    const chunked = prefill.find((o) => o.name === "lin.ssd");
    expect(chunked?.class).toBe("gemm");
    // 2c·N·G/H + 2c·P + 4N·P + N·P/c per token and head (c 128, N 128, P 64, 8 groups / 64 heads) plus the gates.
    const perTokenHead = 2 * 128 * 128 * (8 / 64) + 2 * 128 * 64 + 4 * 128 * 64 + 64;
    // (timed as one GEMM whose reduction width rounds the FLOPs: within 1 %).
    const expected = perTokenHead + 6 + (2 * 4096) / 64;
    expect(Math.abs((chunked?.flops ?? 0) / (8192 * 64) / expected - 1)).toBeLessThan(0.01);
  });

  it("projects Super's latent MoE tokens to 1,024 before dispatch and back after combine", () => {
    const ops = layerOperators(sup, 1, decode);
    const names = ops.map((o) => o.name);
    expect(names.indexOf("moe.fc1_latent_proj")).toBeLessThan(names.indexOf("moe.experts.gate_up_proj"));
    expect(names.indexOf("moe.fc2_latent_proj")).toBeGreaterThan(names.indexOf("moe.experts.down_proj"));
    expect(ops.find((o) => o.name === "moe.experts.gate_up_proj")?.shape).toMatchObject({ n: 2688, k: 1024 });
    expect(ops.find((o) => o.name === "moe.shared.gate_up_proj")?.shape).toMatchObject({ n: 5376, k: 4096 });
    const precision = {
      weights: "fp8",
      activations: "fp8",
      kvCache: "fp8",
      dispatch: "fp8",
      combine: "bf16",
    };
    expect(dispatchBytesPerToken(sup, precision as never)).toBe(1024 + 1024 / 32);
    // The MTP module: an attention block then a latent MoE block.
    const mtp = mtpOperators(sup, decode).map((o) => o.name);
    expect(mtp).toContain("mtp0.attn.core");
    expect(mtp).toContain("mtp0.moe.fc1_latent_proj");
  });

  it("refuses bad configs with the field and what was expected", () => {
    const base = {
      model_type: "nemotron_h",
      hidden_size: 64,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      head_dim: 16,
      vocab_size: 100,
      hybrid_override_pattern: "M*ME",
      mamba_num_heads: 4,
      mamba_head_dim: 8,
      ssm_state_size: 16,
      n_groups: 2,
      n_routed_experts: 4,
      num_experts_per_tok: 2,
      moe_intermediate_size: 16,
      moe_shared_expert_intermediate_size: 32,
    };
    const read = (c: object) => parseHfConfig(JSON.stringify(c), "nh.json");
    expect(read(base).numLayers).toBe(4);
    // Newer configs: layers_block_type, num_hidden_layers null.
    const listed = read({
      ...base,
      hybrid_override_pattern: undefined,
      num_hidden_layers: null,
      layers_block_type: ["mamba", "moe", "attention", "moe"],
    });
    expect(listed.hybridBlocks).toEqual(["mamba", "moe", "attention", "moe"]);
    const msg = (c: object) => supernodeErrorOf(() => read(c)).message;
    expect(msg({ ...base, hybrid_override_pattern: undefined })).toMatch(
      /nh\.json.*hybrid_override_pattern.*or layers_block_type/,
    );
    expect(msg({ ...base, num_hidden_layers: 5 })).toMatch(/lists 4 blocks but num_hidden_layers is 5/);
    expect(msg({ ...base, hybrid_override_pattern: "M*MX" })).toMatch(/M \(Mamba-2\), \* \(attention\)/);
    expect(msg({ ...base, n_routed_experts: undefined })).toMatch(/MoE blocks \(E\).*n_routed_experts/);
    expect(msg({ ...base, hybrid_override_pattern: "M*M-" })).toMatch(/MLP blocks.*intermediate_size/);
    expect(msg({ ...base, n_groups: 3 })).toMatch(/mamba_num_heads 4 must be a multiple of n_groups 3/);
    expect(msg({ ...base, mlp_hidden_act: "silu" })).toMatch(/relu2/);
    expect(msg({ ...base, num_nextn_predict_layers: 1, mtp_hybrid_override_pattern: "*M" })).toMatch(
      /MTP blocks "\*M" are not read/,
    );
    const e = supernodeErrorOf(() =>
      layerOperators(read(base), 0, { phase: "decode", sequences: 2, kvTokens: 20 }, { attentionTp: 4 }),
    );
    expect(e.message).toMatch(/n_groups/);
  });
});
