import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import { layerOperators } from "../model/layer-operators.ts";
import { estimate } from "./step-estimate.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * vLLM-Ascend 0.9.x's W8A8 expert path outside one op (`fused_experts`): npu_moe_init_routing sorts
 * and expands in one launch, npu_moe_compute_expert_tokens counts rows, and both grouped GEMMs'
 * inputs are quantised by kernels of their own (`expandInRouting`, `expertInputQuant`).
 */
describe("a MoE chain that routes, expands and quantises outside the grouped GEMMs", () => {
  const ops = layerOperators(
    referenceScenario("sglang-h100-deepseek-v3-prefill").model,
    3,
    { phase: "decode", sequences: 24, kvTokens: 24 * 4096 },
    {
      weightDtype: "int8",
      computeDtype: "int8",
      localExperts: 256,
      tokensPerLocalExpert: 0.75,
      sharedExpertTokens: 24,
    },
  );
  const chain = {
    activationQuant: { groupSize: 7168, scaleBytes: 4 },
    expertPermute: false,
    mlaKeyConcat: false,
    moePrologue: {
      fusedMaxTokens: 1 << 20,
      unfusedKernels: 1,
      expandInRouting: true,
      gemmSetupKernels: 1,
      expertInputQuant: true,
    },
  } as const;
  const ctx = {
    moeKernels: "low-latency",
    hiddenSize: 7168,
    dispatchedTokens: 24,
    receivedTokens: 24,
    routedTokens: 24,
    topK: 8,
    localExperts: 256,
  } as const;

  it("the expansion writes its rows without a launch; both expert GEMM inputs quantised, after the routing", () => {
    const out = withSeparateKernels(ops, chain, ctx);
    const gateUp = must(ops.find((o) => o.name === "moe.experts.gate_up_proj"));
    const expand = must(out.find((o) => o.name === "moe.experts.expand"));
    expect(expand.kernels).toBe(0);
    expect(expand.bytesWritten.activations).toBe(gateUp.bytesRead.activations);
    const names = out.map((o) => o.name);
    const at = (n: string) => names.indexOf(n);
    expect(at("moe.experts.sort")).toBeGreaterThanOrEqual(0);
    expect(at("moe.experts.sort")).toBeLessThan(at("moe.experts.gemm_setup"));
    expect(at("moe.experts.gemm_setup") + 1).toBe(at("moe.experts.gate_up_proj.quant"));
    expect(at("moe.experts.gate_up_proj.quant") + 1).toBe(at("moe.experts.gate_up_proj"));
    expect(at("moe.experts.down_proj.quant") + 1).toBe(at("moe.experts.down_proj"));
    const q = must(out.find((o) => o.name === "moe.experts.gate_up_proj.quant"));
    const rows = (gateUp.shape?.m ?? 0) * (gateUp.shape?.groups ?? 1);
    expect(q.bytesRead.activations).toBe(rows * 7168 * 2);
  });

  it("a decode-only fusion (MLAPO) up to a token limit: prefill steps and larger decode steps launch the operators", () => {
    const fused = {
      ...chain,
      fusedKernels: [{ operators: ["attn.q_b_proj"], when: "always", phase: "decode", maxRankTokens: 1024 }],
    } as const;
    const qb = (c: Parameters<typeof withSeparateKernels>[2]) =>
      must(withSeparateKernels(ops, fused, c).find((o) => o.name === "attn.q_b_proj")).kernels;
    expect(qb(ctx)).toBe(0);
    expect(qb({ ...ctx, moeKernels: "normal" })).toBe(1);
    expect(qb({ ...ctx, dispatchedTokens: 2048 })).toBe(1);
  });

  it("tokens the dispatch delivers quantised need no quantisation before the first GEMM", () => {
    const out = withSeparateKernels(ops, chain, { ...ctx, dispatchBytesPerToken: 7168 + 4 });
    expect(out.some((o) => o.name === "moe.experts.gate_up_proj.quant")).toBe(false);
    expect(out.some((o) => o.name === "moe.experts.down_proj.quant")).toBe(true);
  });

  it("vLLM-Ascend 0.9.2 (R1 TP16) runs the chain; the MLP's down_proj input comes quantised from its activation", () => {
    const e = estimate(referenceScenario("vllm-ascend-atlas-a3-deepseek-r1-tp16"));
    const items = must(must(e.decode).step.layers.find((l) => l.kind === "moe")).timing.items;
    const names = items.map((i) => i.name);
    for (const n of ["attn.o_proj.quant", "moe.experts.gate_up_proj.quant", "moe.experts.down_proj.quant"])
      expect(names).toContain(n);
    // fused into npu_dequant_swiglu_quant: its bytes stay, no launch of its own
    expect(must(items.find((i) => i.name === "moe.shared.down_proj.quant")).overheadS).toBe(0);
    // MLA's absorbed BMMs read BF16 weights and inputs: no quantisation before them
    expect(names).toContain("attn.q_absorb");
    expect(names.some((n) => n.startsWith("attn.q_absorb.") || n.startsWith("attn.v_absorb."))).toBe(false);
    // 0.14 - 0.20 (the Kimi-K2-Thinking tutorial, 0.20.2): the chain was not re-read, nothing is
    // inserted (the release's policy itself: that BF16 / W4A16 scenario has no 8-bit GEMM to quantise)
    const release = engineProfile({ name: "vllm-ascend", version: "0.20.2" }).separateKernelsFor("Huawei");
    expect(release?.activationQuant).toBeUndefined();
    expect(release?.moePrologue).toBeUndefined();
    expect(release?.repeatedOperators).toBeUndefined();
    const k2 = must(estimate(referenceScenario("vllm-ascend-atlas-a3-kimi-k2-thinking-c1")).decode);
    const k2Names = must(k2.step.layers.find((l) => l.kind === "moe")).timing.items.map((i) => i.name);
    expect(k2Names.some((n) => n.endsWith(".quant") || n.endsWith(".repeat"))).toBe(false);
  });

  it("vLLM-Ascend 0.21 (DeepSeek-V3.2 W8A8): MLAPO's prologue, the lightning indexer's own top-k, wk_weights_proj twice", () => {
    const e = estimate(referenceScenario("vllm-ascend-atlas-a3-deepseek-v3.2-tp16-c1"));
    const items = must(must(e.decode).step.layers.find((l) => l.kind === "moe")).timing.items;
    const item = (n: string) => must(items.find((i) => i.name === n));
    for (const n of [
      "attn.q_b_proj",
      "attn.latent_norms",
      "attn.rotary",
      "attn.kv_cache_write",
      "attn.q_absorb",
    ])
      expect(item(n).overheadS).toBe(0);
    expect(item("attn.qkv_a_proj").overheadS).toBeGreaterThan(0); // MLAPO's launch
    for (const n of ["attn.indexer.topk", "attn.indexer.head_gates", "attn.indexer.hadamard"])
      expect(item(n).overheadS).toBe(0);
    expect(item("attn.indexer.wk_weights.repeat").timeS).toBe(item("attn.indexer.wk_weights").timeS);
    expect(item("attn.o_proj.quant").overheadS).toBeGreaterThan(0);
  });
});
