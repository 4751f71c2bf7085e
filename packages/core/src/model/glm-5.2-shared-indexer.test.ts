import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerToken, kvBytesPerTokenPerLayer } from "./kv-cache.ts";
import { layerArchitecture, sharesTopK } from "./layer-attention.ts";
import { layerGroups } from "./layer-kinds.ts";
import { layerOperators } from "./layer-operators.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel } from "./zoo.ts";

describe("GLM-5.2: one DSA indexer shared by the layers after it (indexer_types full / shared)", () => {
  const glm52 = builtinModel("glm-5.2");
  const glm5 = builtinModel("glm-5");

  it("reads the 21 indexer layers of config.json (0, 1, 2, then every 4th from 6)", () => {
    const a = glm52.attention;
    expect(a.kind === "mla" && a.sparse?.indexerLayers?.length).toBe(21);
    expect([0, 2, 6, 74].map((i) => sharesTopK(glm52, i))).toEqual([false, false, false, false]);
    expect([3, 5, 7, 77].map((i) => sharesTopK(glm52, i))).toEqual([true, true, true, true]);
    expect(sharesTopK(glm52, 78)).toBe(false); // the MTP module's layer runs its own
    expect(sharesTopK(glm5, 3)).toBe(false);
  });

  it("drops the indexer's weights and keys on the 57 shared layers, nothing else", () => {
    // wq_b 2,048 × 32 × 128 + wk 6,144 × 128 + k_norm 2 × 128 + weights_proj 6,144 × 32 per layer.
    const indexer = 2048 * 32 * 128 + 6144 * 128 + 2 * 128 + 6144 * 32;
    expect(countParameters(glm5).total - countParameters(glm52).total).toBe(57 * indexer);
    // 132 B of FP8 indexer key + scale per token on an indexer layer, none on a shared one.
    expect(kvBytesPerTokenPerLayer(glm52, "bf16")).toBe(1284);
    expect(kvBytesPerTokenPerLayer(layerArchitecture(glm52, 3), "bf16")).toBe(1152);
    expect(kvBytesPerToken(glm5, "bf16") - kvBytesPerToken(glm52, "bf16")).toBe(57 * 132);
  });

  it("times a shared layer's sparse core over the top-k keys without an indexer of its own", () => {
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 65536 };
    const own = layerOperators(glm52, 6, work, { kvDtype: "bf16" });
    const shared = layerOperators(glm52, 7, work, { kvDtype: "bf16" });
    expect(own.some((o) => o.name.includes("indexer"))).toBe(true);
    expect(shared.some((o) => o.name.includes("indexer"))).toBe(false);
    const core = (ops: typeof own) => ops.find((o) => o.name === "attn.core");
    expect(core(shared)?.bytesRead.kvCache).toBe(core(own)?.bytesRead.kvCache);
    expect(core(shared)?.attention?.sparse).toBe(true);
    expect(layerGroups(glm52).map((g) => [g.kind, g.sharedTopK ?? false, g.count])).toEqual([
      ["dense", false, 3],
      ["moe", false, 18],
      ["moe", true, 57],
    ]);
  });

  it("refuses an indexer_types list that does not cover the layers or starts shared", () => {
    const config = (types: string[]) =>
      JSON.stringify({
        model_type: "glm_moe_dsa",
        architectures: ["GlmMoeDsaForCausalLM"],
        hidden_size: 64,
        num_hidden_layers: 3,
        num_attention_heads: 4,
        num_key_value_heads: 4,
        vocab_size: 128,
        intermediate_size: 128,
        moe_intermediate_size: 32,
        n_routed_experts: 4,
        n_shared_experts: 1,
        num_experts_per_tok: 2,
        first_k_dense_replace: 1,
        kv_lora_rank: 16,
        q_lora_rank: 32,
        qk_nope_head_dim: 16,
        qk_rope_head_dim: 8,
        v_head_dim: 16,
        index_n_heads: 2,
        index_head_dim: 16,
        index_topk: 8,
        indexer_types: types,
      });
    expect(supernodeErrorOf(() => parseHfConfig(config(["full", "shared"]), "c.json")).message).toMatch(
      /indexer_types lists 2 layers/,
    );
    expect(
      supernodeErrorOf(() => parseHfConfig(config(["shared", "full", "full"]), "c.json")).message,
    ).toMatch(/the first "full"/);
    const ok = parseHfConfig(config(["full", "shared", "full"]), "c.json").attention;
    expect(ok.kind === "mla" && ok.sparse?.indexerLayers).toEqual([0, 2]);
  });
});
