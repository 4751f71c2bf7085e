import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import { layerOperators } from "../model/layer-operators.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

describe("weight-only grouped GEMMs through a dequantising workspace (antiquantWorkspace)", () => {
  const scenario = referenceScenario("vllm-ascend-atlas-a3-kimi-k2-thinking");
  const experts = (weightDtype: "int4" | "int8", computeDtype: "bf16" | "int8") =>
    layerOperators(
      scenario.model,
      3,
      { phase: "decode", sequences: 8, kvTokens: 8 * 1536 },
      {
        componentPrecision: {
          "routed-experts": {
            weightDtype,
            computeDtype,
            ...(weightDtype === "int4" && { weightScheme: "int4-g32" as const }),
          },
        },
        localExperts: 24,
        tokensPerLocalExpert: [2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    );
  const ctx = { hiddenSize: 7168, dispatchedTokens: 8, receivedTokens: 4, routedTokens: 4, topK: 8 } as const;
  const policy = { expertPermute: false, mlaKeyConcat: false, antiquantWorkspace: true } as const;
  const named = (ops: ReturnType<typeof experts>, name: string) => must(ops.find((o) => o.name === name));

  it("marks the touched experts' INT4 weights with BF16 math as weight-only elements", () => {
    const ops = experts("int4", "bf16");
    // three experts with tokens: gate_up is 2 × 2,048 × 7,168 per expert
    expect(named(ops, "moe.experts.gate_up_proj").weightOnlyElements).toBe(3 * 2 * 2048 * 7168);
    expect(named(ops, "moe.experts.down_proj").weightOnlyElements).toBe(3 * 7168 * 2048);
    // W8A8 experts (INT8 math) and BF16 layers are not weight-only
    expect(named(experts("int8", "int8"), "moe.experts.gate_up_proj").weightOnlyElements).toBeUndefined();
    expect(named(ops, "attn.o_proj").weightOnlyElements).toBeUndefined();
  });

  it("casts inside the GEMM's launch: packed weights and scales in, 2 B per weight out; the GEMM reads the BF16 copy", () => {
    const ops = experts("int4", "bf16");
    const out = withSeparateKernels(ops, policy, { ...ctx, moeKernels: "low-latency" });
    const packed = named(ops, "moe.experts.gate_up_proj");
    const elements = must(packed.weightOnlyElements);
    const cast = named(out, "moe.experts.gate_up_proj.antiquant");
    expect(cast.kernels).toBe(0);
    expect(cast.bytesRead.weights).toBe(packed.bytesRead.weights);
    // INT4 with one BF16 scale per 32 weights: 0.5625 B per weight read, 2 B written
    expect(cast.bytesRead.weights).toBeCloseTo(elements * (0.5 + 2 / 32), 0);
    expect(cast.bytesWritten.activations).toBe(elements * 2);
    expect(named(out, "moe.experts.gate_up_proj").bytesRead.weights).toBe(elements * 2);
    expect(out.indexOf(cast) + 1).toBe(out.findIndex((o) => o.name === "moe.experts.gate_up_proj"));
    expect(out.some((o) => o.name === "moe.experts.down_proj.antiquant")).toBe(true);
    // without the policy, or with W8A8 experts, the operator list is unchanged
    const { antiquantWorkspace: _, ...plain } = policy;
    expect(withSeparateKernels(ops, plain, { ...ctx, moeKernels: "low-latency" })).toEqual(ops);
    const w8a8 = experts("int8", "int8");
    expect(withSeparateKernels(w8a8, policy, { ...ctx, moeKernels: "low-latency" })).toEqual(w8a8);
  });

  it("vLLM-Ascend records it on Huawei chips only", () => {
    const release = engineProfile({ name: "vllm-ascend", version: "0.20.2" });
    expect(release.separateKernelsFor("Huawei")?.antiquantWorkspace).toBe(true);
    expect(release.separateKernelsFor("NVIDIA")).toBeUndefined();
    expect(engineProfile({ name: "cloudmatrix-infer" }).separateKernelsFor("Huawei")).toBeUndefined();
  });
});
