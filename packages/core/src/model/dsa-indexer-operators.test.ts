import { describe, expect, it } from "vitest";
import { parseHfConfig } from "./hf-config.ts";
import { kvBytesPerTokenPerLayer } from "./kv-cache.ts";
import { layerOperators } from "./layer-operators.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel } from "./zoo.ts";

describe("DeepSeek Sparse Attention (DeepSeek-V3.2-Exp)", () => {
  it("reads the indexer from config.json: 64 heads of 128, top-2048", () => {
    const m = builtinModel("deepseek-v3.2-exp");
    expect(m.family).toBe("deepseek_v3");
    expect(m.attention).toMatchObject({
      kind: "mla",
      sparse: { indexHeads: 64, indexHeadDim: 128, topK: 2048 },
    });
  });

  it("adds the indexer's FP8 keys and scale to the cache (132 B per token and layer)", () => {
    const v3 = builtinModel("deepseek-v3");
    const v32 = builtinModel("deepseek-v3.2-exp");
    expect(kvBytesPerTokenPerLayer(v32, "bf16") - kvBytesPerTokenPerLayer(v3, "bf16")).toBe(132);
  });

  it("an FP8 latent cache is FlashMLA's sparse layout: 656 B per token and layer, read and written as such", () => {
    const v3 = builtinModel("deepseek-v3");
    const v32 = builtinModel("deepseek-v3.2-exp");
    // 512 FP8 latent values + 4 FP32 scales + 64 BF16 RoPE values, beside the indexer's 132 B.
    expect(kvBytesPerTokenPerLayer(v32, "fp8")).toBe(656 + 132);
    // Dense MLA keeps every value at one byte.
    expect(kvBytesPerTokenPerLayer(v3, "fp8")).toBe(576);
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 65536 };
    const ops = layerOperators(v32, 5, work, { kvDtype: "fp8" });
    expect(ops.find((o) => o.name === "attn.core")?.bytesRead.kvCache).toBe(4 * 2048 * 656);
    expect(ops.find((o) => o.name === "attn.kv_cache_write")?.bytesWritten.kvCache).toBe(4 * 656);
  });

  it("adds the indexer's weights: wq_b, wk, k_norm, weights_proj per layer", () => {
    const perLayer = 1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64;
    const extra =
      countParameters(builtinModel("deepseek-v3.2-exp")).total -
      countParameters(builtinModel("deepseek-v3")).total;
    // 61 decoder layers, plus the MTP module's layer when it is counted in the total.
    expect([61 * perLayer, 62 * perLayer]).toContain(extra);
  });

  it("decode: the indexer scores the whole context, the core reads only the top-k tokens", () => {
    const v3 = builtinModel("deepseek-v3");
    const v32 = builtinModel("deepseek-v3.2-exp");
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 65536 };
    const find = (ops: ReturnType<typeof layerOperators>, name: string) => ops.find((o) => o.name === name);
    const dense = find(layerOperators(v3, 5, work), "attn.core");
    const ops = layerOperators(v32, 5, work);
    const sparse = find(ops, "attn.core");
    const scores = find(ops, "attn.indexer.scores");
    expect(sparse?.bytesRead.kvCache).toBe(4 * 2048 * 1152); // top-k latents of 576 BF16 values
    expect(dense?.bytesRead.kvCache ?? 0).toBeGreaterThan(30 * 4 * 2048 * 1152);
    // every cached token (and the new one) of each sequence, 132 B each
    expect((scores?.bytesRead.kvCache ?? 0) / 132).toBe((dense?.bytesRead.kvCache ?? 0) / 1152);
    expect(scores?.flops).toBe(2 * ((scores?.bytesRead.kvCache ?? 0) / 132) * 64 * 128);
    // Below the top-k the core is unchanged.
    const short = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 1000 };
    expect(find(layerOperators(v32, 5, short), "attn.core")?.flops).toBe(
      find(layerOperators(v3, 5, short), "attn.core")?.flops,
    );
  });

  it("rotates query and key (rope, then a Hadamard each) and scales the head gates, one kernel apiece", () => {
    const v32 = builtinModel("deepseek-v3.2-exp");
    const ops = layerOperators(v32, 5, { phase: "decode" as const, sequences: 2, kvTokens: 2 * 4096 });
    const find = (name: string) => ops.find((o) => o.name === name);
    const names = ops.map((o) => o.name);
    // between the key norm and the scores, in the reference order
    const at = (name: string) => names.indexOf(name);
    expect(at("attn.indexer.k_norm_quant")).toBeLessThan(at("attn.indexer.rotary"));
    expect(at("attn.indexer.head_gates")).toBeLessThan(at("attn.indexer.scores"));
    // rope on 64 of 128 values of 64 query heads and one key, for 2 tokens
    expect(find("attn.indexer.rotary")?.flops).toBe(3 * 2 * 65 * 64);
    expect(find("attn.indexer.rotary")?.kernels).toBe(1);
    // Hadamard over all 128 values: 7 butterfly stages per element, query and key separately
    expect(find("attn.indexer.hadamard")?.flops).toBe(7 * 2 * 65 * 128);
    expect(find("attn.indexer.hadamard")?.kernels).toBe(2);
    expect(find("attn.indexer.head_gates")?.kernels).toBe(1);
    // dense MLA has none of them
    expect(
      layerOperators(builtinModel("deepseek-v3"), 5, {
        phase: "decode" as const,
        sequences: 2,
        kvTokens: 8192,
      }).some((o) => o.name.startsWith("attn.indexer.")),
    ).toBe(false);
  });

  it("a partial indexer is an error naming the missing key", () => {
    const text = JSON.stringify({
      model_type: "deepseek_v32",
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      n_routed_experts: 4,
      num_experts_per_tok: 2,
      moe_intermediate_size: 32,
      kv_lora_rank: 16,
      q_lora_rank: 32,
      qk_nope_head_dim: 8,
      qk_rope_head_dim: 8,
      v_head_dim: 8,
      index_topk: 64,
    });
    expect(() => parseHfConfig(text, "config.json")).toThrow(/index_n_heads is missing/);
  });

  it("scores in INT8 under W8A8 INT8 math (Ascend's quant lightning indexer), in FP8 otherwise", () => {
    const v32 = builtinModel("deepseek-v3.2-exp");
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 4096 };
    const scores = (options: Parameters<typeof layerOperators>[3]) =>
      layerOperators(v32, 5, work, options).find((o) => o.name === "attn.indexer.scores")?.dtype;
    expect(scores({ weightDtype: "int8", activationDtype: "int8" })).toBe("int8");
    expect(scores({ weightDtype: "fp8", activationDtype: "fp8" })).toBe("fp8");
    expect(scores({ weightDtype: "bf16", activationDtype: "bf16" })).toBe("fp8");
  });

  it("a BF16 indexer (vLLM-Ascend without LI C8) keeps 256 B keys and reads twice the bytes", () => {
    const v32 = builtinModel("deepseek-v3.2-exp");
    const v3 = builtinModel("deepseek-v3");
    expect(kvBytesPerTokenPerLayer(v32, "bf16", "bf16") - kvBytesPerTokenPerLayer(v3, "bf16")).toBe(256);
    const work = { phase: "decode" as const, sequences: 4, kvTokens: 4 * 65536 };
    const scores = (indexerDtype: "bf16" | "int8") =>
      layerOperators(v32, 5, work, { weightDtype: "int8", activationDtype: "int8", indexerDtype }).find(
        (o) => o.name === "attn.indexer.scores",
      );
    expect(scores("bf16")?.dtype).toBe("bf16");
    expect((scores("bf16")?.bytesRead.kvCache ?? 0) / (scores("int8")?.bytesRead.kvCache ?? 1)).toBe(
      256 / 132,
    );
    expect(scores("bf16")?.flops).toBe(scores("int8")?.flops);
  });

  it("decode with MTP drafts: each query token gathers its own top-k latents", () => {
    const v32 = builtinModel("deepseek-v3.2-exp");
    const core = (tokensPerSequence: number, kvTokens: number) =>
      layerOperators(v32, 5, { phase: "decode" as const, sequences: 4, kvTokens, tokensPerSequence }).find(
        (o) => o.name === "attn.core",
      );
    // 3 query tokens per sequence (two drafts) at 64K: 3 × 2,048 rows of 1,152 B each
    expect(core(3, 4 * 65536)?.bytesRead.kvCache).toBe(4 * 3 * 2048 * 1152);
    expect(core(1, 4 * 65536)?.bytesRead.kvCache).toBe(4 * 2048 * 1152);
    // flagged for the sparse kernel's own efficiency (operator-time.ts)
    expect(core(1, 4 * 65536)?.attention?.sparse).toBe(true);
    // below the top-k every query token still gathers the whole (short) context
    expect(core(3, 4 * 1000)?.bytesRead.kvCache).toBeGreaterThan(3 * 4 * 1000 * 1152 - 1);
  });
});
