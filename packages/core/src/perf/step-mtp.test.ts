import { describe, expect, it } from "vitest";
import { estimate } from "./step-estimate.ts";
import { draftOptions } from "./step-mtp.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const Q3NEXT = "sglang-atlas-a3-qwen3-next-c1";

describe("an MTP module loaded in a format of its own (mtp.weights)", () => {
  it("gives every matrix and GEMM of the module that format, dropping component formats and scheme", () => {
    const options = draftOptions(
      { weightDtype: "int8", computeDtype: "int8", weightScheme: "per-channel", componentPrecision: {} },
      "bf16",
    );
    expect(options.weightDtype).toBe("bf16");
    expect(options.computeDtype).toBe("bf16");
    expect(options.weightScheme).toBeUndefined();
    expect(options.componentPrecision).toBeUndefined();
    const same = { weightDtype: "int8" as const };
    expect(draftOptions(same, undefined)).toBe(same);
  });

  it("streams and stores the BF16 draft's bytes while the main layers keep the W8A8 format", () => {
    const base = must(estimate(referenceScenario(Q3NEXT, "deployment.decode.mtp.weights=int8")).decode);
    const bf16 = must(estimate(referenceScenario(Q3NEXT, "deployment.decode.mtp.weights=bf16")).decode);
    expect(bf16.step.mtpS).toBeGreaterThan(base.step.mtpS);
    expect(bf16.step.layersS).toBe(base.step.layersS);
    const mtpBytes = (e: typeof base) => e.memory.perRank.weightsByComponent.mtp ?? 0;
    // BF16 is two bytes per weight against INT8's one (plus per-channel scales): close to twice.
    expect(mtpBytes(bf16) / mtpBytes(base)).toBeGreaterThan(1.9);
    expect(mtpBytes(bf16) / mtpBytes(base)).toBeLessThan(2.05);
  });
});

describe("the MTP module in a prefill iteration (the draft-extend over the prompt tokens)", () => {
  const R1_MIXED = "sglang-atlas-a3-deepseek-r1-w4a8-mixed";

  it("runs one pass of the module over the prompt tokens, added to the iteration", () => {
    const prefill = must(estimate(referenceScenario(R1_MIXED)).prefill).step;
    const mtp = prefill.layers.find((l) => l.kind === "mtp");
    // One pass, whatever the draft-token count (3 here): the further drafts come in decode steps.
    expect(mtp?.count).toBe(1);
    expect(prefill.mtpS).toBeGreaterThan(0);
    expect(prefill.stepS).toBeCloseTo(
      prefill.layersS +
        prefill.pipelineFillS +
        prefill.headS +
        prefill.samplingS +
        prefill.mtpS +
        prefill.graphLaunchS,
      12,
    );
    // The module is one decoder layer beside the main model's 61 over the same tokens.
    const mainLayerS = prefill.layersS / 61;
    expect(prefill.mtpS).toBeGreaterThan(0.5 * mainLayerS);
    expect(prefill.mtpS).toBeLessThan(2 * mainLayerS);
  });

  it("leaves a prefill without speculative decoding as it was", () => {
    const without = must(estimate(referenceScenario(R1_MIXED, "deployment.colocated.mtp=null")).prefill).step;
    expect(without.mtpS).toBe(0);
    expect(without.layers.some((l) => l.kind === "mtp")).toBe(false);
  });
});
