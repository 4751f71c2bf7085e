import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { type MoeOpSpec, moeOpTime } from "./moe-op-case.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { inheritedProfile, vllmHopperMoeProfiles } from "./test-support/hopper-profiles.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/** vLLM's block-FP8 linear overlay, which every vLLM model on Hopper gets beside its MoE overlay. */
const LINEAR = "vllm-block-fp8-linear-sm90";
/** vLLM's FP8 MoE on Hopper is its Triton fused_moe kernel (data/efficiency/engines/vllm/moe-hopper.yaml). */
const OVERLAY = "vllm-triton-moe-fp8-sm90";
const inherited = inheritedProfile;

describe("vLLM's Triton fused_moe on Hopper", () => {
  it("is vLLM's default MoE on every H800-family chip, for FP8 math only", () => {
    for (const chip of ["h800-sxm", "h100-sxm", "h200-sxm"]) {
      const { base, profile: p } = vllmHopperMoeProfiles(chip, "fp8");
      expect(p.engineOverlays).toEqual([LINEAR, OVERLAY]);
      const g = p.classes["grouped-gemm"];
      expect(g.computeEfficiency.fp8?.value).toBe(0.3713);
      expect(g.computeEfficiency.fp8?.tag).toBe("derived");
      expect(g.computeEfficiency.bf16).toEqual(base.classes["grouped-gemm"].computeEfficiency.bf16);
      expect([g.tileM?.value, g.tileMSmall?.value]).toEqual([64, 16]);
      // Dense GEMMs keep the chip's (DeepGEMM / cuBLAS) values but vLLM's block-FP8 linear's K walk.
      expect(p.classes.gemm.computeEfficiency).toEqual(base.classes.gemm.computeEfficiency);
    }
  });

  it("does not apply to a named DeepGEMM backend, to Blackwell, or to other engines", () => {
    const h200 = inherited("h200-sxm");
    // An MLA model: a GQA one would get vLLM's FA3 attention overlay (vllm-fa3-gqa-sm90) beside it.
    // Named, DeepGEMM keeps the chip profile's rates with vLLM 0.11's aligned buffer (its own overlay).
    expect(
      withEngineOverlays(h200, { engine: "vllm", modelAttention: "mla-dense", moeBackend: "deep_gemm" })
        .engineOverlays,
    ).toEqual([LINEAR, "vllm-deepgemm-moe-fp8-sm90"]);
    const b200 = efficiencyProfile("b200");
    expect(withEngineOverlays(b200, { engine: "vllm", modelAttention: "mla-dense" })).toBe(b200);
    expect(
      withEngineOverlays(h200, { engine: "trtllm", modelAttention: "mla-dense" }).engineOverlays,
    ).toBeUndefined();
  });

  it("slows the compute-bound op and leaves the weight stream: DeepSeek-V3 at MoE TP8 on H200", () => {
    const spec: MoeOpSpec = {
      kind: "moe-op",
      model: "deepseek-v3",
      hidden: 7168,
      expertIntermediate: 2048,
      experts: 256,
      topK: 8,
      tokens: 8192,
      ep: 1,
      tp: 8,
      weights: "fp8",
      backend: "triton",
      routing: "balanced",
    };
    const h200 = builtinCatalog().chip("h200-sxm");
    const engine = { name: "vllm", version: "0.14.0" };
    const t = (tokens: number, backend: string) => moeOpTime({ ...spec, tokens, backend }, engine, h200);
    // 65,536 tokens (2,048 rows per expert): the Triton ceiling, ≈ 1.5× DeepGEMM's, where the named
    // DeepGEMM's aligned buffer (256 local experts × 127 padding rows, vllm-deepgemm-moe-fp8-sm90) is 6 %.
    expect(t(65536, "triton") / t(65536, "deep_gemm")).toBeGreaterThan(1.4);
    // At 8,192 tokens the buffer's 32,512 padding rows beside 65,536 routed ones leave ≈ 1.16×.
    expect(t(8192, "triton") / t(8192, "deep_gemm")).toBeGreaterThan(1.1);
    // 64 tokens: Triton streams every expert's weights once; DeepGEMM named would compute 33,024 rows
    // (vLLM 0.11 takes it only from 128 tokens a call), ≈ 2× the Triton op.
    expect(t(64, "triton") / t(64, "deep_gemm")).toBeLessThan(0.6);
  });

  it("times aiconfigurator's vLLM H200 table within its held-out spread", () => {
    // The 15 MoE-TP records of the overlay's rule; the EP8 MiniMax-M2.5 records (`-mm25-`, lane mm25,
    // stop 39) are evidence outside this spread (docs/accuracy/vllms-triton-fused-moe-at-decode-on-hopper-minimax-m2-5.md).
    const cases = operatorReferenceCases().filter(
      (c) => c.id.startsWith("aic-vllm-h200-moe-fp8block-triton-") && !c.id.includes("-mm25-"),
    );
    expect(cases).toHaveLength(15);
    for (const c of cases) expect(Math.abs(c.predicted / c.published - 1)).toBeLessThan(0.2);
  });

  it("the vLLM R1 TP8 burst scenario takes it, even where DeepGEMM is named (expert slice 256)", () => {
    const name = "vllm-h200-deepseek-r1-tp8-burst";
    const scenario = referenceScenario(name);
    expect(stepContext(scenario, must(scenario.deployment.colocated)).profile.engineOverlays).toEqual([
      LINEAR,
      OVERLAY,
    ]);
    const ttft = (...sets: string[]) => must(estimate(referenceScenario(name, ...sets)).prefill).ttftS;
    // DeepGEMM named (at 0.11.1, the release its Hopper overlay covers): vLLM tests every call and refuses
    // an expert slice of 512 or less (_valid_deep_gemm: N = 2,048 / 8 = 256 at MoE TP 8), so every call,
    // prefill included, runs the Triton chain (perf/step-moe-call.ts): the same TTFT. (Before stop 51 the
    // what-if ran DeepGEMM over its aligned buffer, Triton's prefill ≈ 1.03x it.)
    const at = "engine.version=0.11.1";
    expect(ttft(at, "engine.moeBackend=deep_gemm")).toBe(ttft(at));
  });
});
