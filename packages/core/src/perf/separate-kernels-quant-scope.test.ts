import { describe, expect, it } from "vitest";
import type { SeparateKernels } from "../deploy/index.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { deepseekPrefillMoeLayer } from "./test-support/deepseek-prefill-moe-layer.ts";

// vLLM's block-FP8 linear (W8A8BlockFp8LinearOp) quantises its input in a kernel of its own before
// the GEMM; its fused MoE op quantises inside its own (measured) time; per-tensor FP8 linears are
// left out of the policy (`schemes`).
describe("activation quantisation limited to some weight schemes and to dense GEMMs", () => {
  const { ops: raw, ctx: layerCtx } = deepseekPrefillMoeLayer();
  // q_b_proj's weights in no scheme (as a per-tensor linear's would be), the others block-scaled
  const ops = raw.map(({ weightScheme: _, ...o }) =>
    o.name === "attn.q_b_proj" ? o : { ...o, weightScheme: "block-128x128" as const },
  );
  const ctx = { ...layerCtx, moeKernels: "normal" } as const;
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
    expect(out.indexOf("attn.o_proj.quant") + 1).toBe(out.indexOf("attn.o_proj"));
  });
});
