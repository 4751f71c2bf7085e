import { describe, expect, it } from "vitest";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const SGL_64K = "sglang-h200-deepseek-v3-decode-64k";
const MTP = ["deployment.decode.mtp.draftTokens=2", "deployment.decode.mtp.acceptanceRate=0.696"];

describe("host time per iteration without an overlap scheduler (SGLang, data/engines/sglang.yaml hostTime)", () => {
  it("is on the critical path with MTP (SGLang's EAGLE worker of 2025 has no overlap scheduler)", () => {
    const mtp = must(estimate(referenceScenario(SGL_64K, ...MTP)).decode);
    expect(mtp.step.host?.waitS).toBeCloseTo(0.00196, 9);
    // With the overlap scheduler the 1.96 ms hide behind a decode step of several ms.
    const plain = must(estimate(referenceScenario(SGL_64K)).decode);
    expect(plain.step.host?.hostS).toBeCloseTo(0.00196, 9);
    expect(plain.step.host?.waitS).toBe(0);
  });

  it("follows the scenario's engine.overlapScheduler when it is given", () => {
    const off = must(estimate(referenceScenario(SGL_64K, "engine.overlapScheduler=false")).decode);
    const on = must(estimate(referenceScenario(SGL_64K)).decode);
    expect(off.step.stepS - on.step.stepS).toBeCloseTo(0.00196, 9);
    const forcedOn = must(
      estimate(referenceScenario(SGL_64K, ...MTP, "engine.overlapScheduler=true")).decode,
    );
    expect(forcedOn.step.host?.waitS).toBe(0);
  });
});
