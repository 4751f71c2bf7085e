import { describe, expect, it } from "vitest";
import { scenarioDtypeSchema } from "../spec/precision-schema.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { selectOverlays, withEngineOverlays } from "./engine-overlay.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { inheritedProfile } from "./test-support/hopper-profiles.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/** SGLang's INT4 (W4A16) MoE on Hopper: fused_marlin_moe, vLLM's Marlin kernel (data/efficiency/engines/sglang/moe.yaml). */
const OVERLAY = "sglang-marlin-moe-int4-sm90";
const SCENARIO = "sglang-h200-kimi-k2.5-int4-tp8-cookbook";

describe("SGLang's Marlin fused MoE on Hopper", () => {
  it("is SGLang's default for INT4 experts on the H800 family only, and no other format gets it", () => {
    const ids = (chip: string, expertWeights: string) =>
      selectOverlays(inheritedProfile(chip), { engine: "sglang", modelAttention: "mla-dense", expertWeights })
        .filter((o) => o.backend.kind === "moe")
        .map((o) => o.id);
    for (const chip of ["h100-sxm", "h200-sxm", "h20"]) expect(ids(chip, "int4")).toEqual([OVERLAY]);
    for (const format of scenarioDtypeSchema.options)
      expect(ids("h200-sxm", format)).toEqual(format === "int4" ? [OVERLAY] : []);
    // Not a Blackwell overlay (B200 keeps only SGLang's trtllm_mla attention overlay).
    const b200 = selectOverlays(efficiencyProfile("b200"), {
      engine: "sglang",
      modelAttention: "mla-dense",
      expertWeights: "int4",
    });
    expect(b200.filter((o) => o.backend.kind === "moe")).toEqual([]);
  });

  it("charges what vLLM's Marlin overlay charges: the same kernel, the same grouped-GEMM values", () => {
    const base = inheritedProfile("h200-sxm");
    const at = (engine: string) =>
      withEngineOverlays(base, { engine, modelAttention: "mla-dense", expertWeights: "int4" }).classes[
        "grouped-gemm"
      ];
    const [s, v] = [at("sglang"), at("vllm")];
    expect(s.computeEfficiency.bf16?.value).toBe(v.computeEfficiency.bf16?.value);
    expect(s.memoryEfficiency.value).toBe(v.memoryEfficiency.value);
    expect(s.groupOverheadS?.value).toBe(v.groupOverheadS?.value);
    expect([s.tileM?.value, s.tileMPow2Min?.value]).toEqual([64, 8]);
    // ... and differs from the chip profile's grouped GEMM it replaces.
    expect(s.memoryEfficiency.value).not.toBe(base.classes["grouped-gemm"].memoryEfficiency.value);
  });

  it("the Kimi K2.5 cookbook scenario takes it, and its decode step gets shorter than the chip profile's", () => {
    const scenario = referenceScenario(SCENARIO);
    const overlays = stepContext(scenario, must(scenario.deployment.colocated)).profile.engineOverlays;
    expect(overlays).toContain(OVERLAY);
    // A named backend without an overlay (triton) runs the chip profile's grouped GEMM, whose 64-row
    // tile pads one or two rows per expert: Marlin's 8-row block makes the 100-sequence step shorter.
    const tpot = (...sets: string[]) => must(estimate(referenceScenario(SCENARIO, ...sets)).decode).tpotS;
    expect(tpot() / tpot("engine.moeBackend=triton")).toBeLessThan(0.8);
  });
});
