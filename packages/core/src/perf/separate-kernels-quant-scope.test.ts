import { describe, expect, it } from "vitest";
import type { SeparateKernels } from "../deploy/index.ts";
import { layerOperators } from "../model/layer-operators.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// vLLM's block-FP8 linear (W8A8BlockFp8LinearOp) quantises its input in a kernel of its own before
// the GEMM; its fused MoE op quantises inside its own (measured) time; per-tensor FP8 linears are
// left out of the policy (`schemes`).
describe("activation quantisation limited to some weight schemes and to dense GEMMs", () => {
  const scenario = referenceScenario("sglang-h100-deepseek-v3-prefill");
  const raw = layerOperators(
    scenario.model,
    3,
    { phase: "prefill", sequences: 2, newTokens: 8192, attendedTokenPairs: 2 * 4096 * 4097 * 0.5 },
    {
      weightDtype: "fp8",
      computeDtype: "fp8",
      localExperts: 9,
      tokensPerLocalExpert: 7282,
      sharedExpertTokens: 8192,
    },
  );
  // q_b_proj's weights in no scheme (as a per-tensor linear's would be), the others block-scaled
  const ops = raw.map(({ weightScheme: _, ...o }) =>
    o.name === "attn.q_b_proj" ? o : { ...o, weightScheme: "block-128x128" as const },
  );
  const ctx = {
    hiddenSize: 7168,
    dispatchedTokens: 8192,
    receivedTokens: 6 * 8192,
    routedTokens: 6 * 8192,
    topK: 8,
    moeKernels: "normal",
    mla: { nopeDim: 128, ropeDim: 64, vDim: 128 },
  } as const;
  const names = (activationQuant: NonNullable<SeparateKernels["activationQuant"]>) =>
    withSeparateKernels(ops, { activationQuant, expertPermute: false, mlaKeyConcat: false }, ctx).map(
      (o) => o.name,
    );

  it("quantises only the dense GEMMs whose weights are in a named scheme", () => {
    const out = names({ groupSize: 128, scaleBytes: 4, schemes: ["block-128x128"] });
    expect(out).toContain("attn.o_proj.quant");
    expect(out).not.toContain("attn.q_b_proj.quant"); // no scheme on this op: left out
    const all = names({ groupSize: 128, scaleBytes: 4 });
    expect(all).toContain("attn.q_b_proj.quant");
  });

  it("denseOnly: no dispatch or expert quantisation kernels, the dense ones unchanged", () => {
    const out = names({ groupSize: 128, scaleBytes: 4, denseOnly: true });
    expect(out.some((n) => n.startsWith("moe.experts.") && n.endsWith(".quant"))).toBe(false);
    expect(out).not.toContain("moe.dispatch_quant");
    // the shared expert is a dense linear: its quantisation stays
    expect(out).toContain("moe.shared.gate_up_proj.quant");
    expect(out).toContain("attn.o_proj.quant");
    const moe = names({ groupSize: 128, scaleBytes: 4 });
    expect(moe).toContain("moe.dispatch_quant");
    expect(moe).toContain("moe.experts.down_proj.quant");
    const oProjQuant = (list: readonly string[]) => list.filter((n) => n === "attn.o_proj.quant").length;
    expect(oProjQuant(out)).toBe(1);
    expect(must(out.indexOf("attn.o_proj.quant") + 1)).toBe(out.indexOf("attn.o_proj"));
  });
});
