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
