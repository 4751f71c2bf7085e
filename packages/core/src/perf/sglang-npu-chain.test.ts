import { describe, expect, it } from "vitest";
import { engineFileSchema } from "../deploy/engine-file.ts";
import { engineProfile } from "../deploy/engine-profile.ts";
import { estimate } from "./step-estimate.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * SGLang's NPU backend with W8A8 experts (data/engines/sglang.yaml, the Huawei entry): without expert
 * parallelism the MoE op routes, expands and quantises outside its grouped matmuls (npu_fused_experts
 * in prefill, npu_fused_experts_w8a8_decode under graph capture); with expert parallelism the
 * dispatch delivers the rows laid out and quantised (`onlyWithoutExpertParallel`).
 */
describe("SGLang's NPU W8A8 chain", () => {
  const npu = must(engineProfile({ name: "sglang" }).separateKernelsFor("Huawei"));
  const moeItems = (name: string, phase: "prefill" | "decode") => {
    const e = estimate(referenceScenario(name));
    const step = must(phase === "prefill" ? e.prefill : e.decode).step;
    return must(step.layers.find((l) => l.kind === "moe")).timing.items;
  };

  it("Qwen3-30B-A3B at TP2 (EP 1): the routing expands the rows, both expert inputs quantised, the second inside the SwiGLU", () => {
    const prefill = moeItems("sglang-atlas-a3-qwen3-30b-a3b-mixed", "prefill");
    const item = (n: string) => must(prefill.find((i) => i.name === n));
    expect(item("moe.experts.expand").overheadS).toBe(0); // written by npu_moe_init_routing
    expect(item("moe.experts.gate_up_proj.quant").overheadS).toBeGreaterThan(0);
    expect(item("moe.experts.down_proj.quant").overheadS).toBe(0); // npu_dequant_swiglu_quant
    expect(item("attn.qkv_proj.quant").overheadS).toBeGreaterThan(0); // npu_dynamic_quant per token
    // under graph capture the routing quantises too (npu_moe_init_routing_v2, quant_mode 1)
    const decode = moeItems("sglang-atlas-a3-qwen3-30b-a3b-mixed", "decode");
    expect(must(decode.find((i) => i.name === "moe.experts.gate_up_proj.quant")).overheadS).toBe(0);
  });

  it("with expert parallelism (Qwen3-235B, DeepEP): no prologue and no expert-input quantisation", () => {
    const names = moeItems("sglang-atlas-a3-qwen3-235b-mixed", "prefill").map((i) => i.name);
    expect(names).toContain("attn.qkv_proj.quant");
    for (const n of ["moe.experts.sort", "moe.experts.expand", "moe.experts.gate_up_proj.quant"])
      expect(names).not.toContain(n);
  });

  it("the EP rule is the prologue's own: a chain without it keeps the kernels at EP > 1", () => {
    const ops = [
      {
        name: "moe.experts.gate_up_proj",
        class: "grouped-gemm" as const,
        dtype: "int8" as const,
        flops: 1,
        bytesRead: { weights: 1, activations: 64 * 2048, kvCache: 0 },
        bytesWritten: { activations: 1, kvCache: 0 },
        shape: { m: 4, n: 768, k: 2048, groups: 16 },
        kernels: 1,
      },
    ];
    const ctx = {
      moeKernels: "normal",
      hiddenSize: 2048,
      dispatchedTokens: 8,
      receivedTokens: 8,
      routedTokens: 8,
      topK: 8,
      localExperts: 16,
      moeEp: 8,
    } as const;
    const names = (chain: typeof npu) => withSeparateKernels(ops, chain, ctx).map((o) => o.name);
    expect(names(npu)).toEqual(["moe.experts.gate_up_proj"]);
    const always = { ...npu, moePrologue: { ...must(npu.moePrologue), onlyWithoutExpertParallel: false } };
    expect(names(always)).toContain("moe.experts.expand");
    expect(withSeparateKernels(ops, npu, { ...ctx, moeEp: 1 }).map((o) => o.name)).toContain(
      "moe.experts.sort",
    );
  });

  it("an engine file may list one separateKernels entry per vendor group, each vendor once", () => {
    const entry = (chipVendors: string[]) => ({ chipVendors, source: "s", tag: "spec" });
    const file = (separateKernels: unknown) => ({
      engine: "x",
      name: "X",
      sources: [{ key: "s", title: "T", url: "https://example.org" }],
      releases: [{ from: "1.0", separateKernels }],
    });
    expect(engineFileSchema.safeParse(file([entry(["NVIDIA"]), entry(["Huawei"])])).success).toBe(true);
    const twice = engineFileSchema.safeParse(file([entry(["NVIDIA"]), entry(["Huawei", "NVIDIA"])]));
    expect(twice.success).toBe(false);
    expect(JSON.stringify(twice.error?.issues)).toContain("chip vendor NVIDIA is already in entry 0");
  });
});
