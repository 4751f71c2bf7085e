import { describe, expect, it } from "vitest";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

describe("training on a chip derived with extends", () => {
  it("times the ranks with the parent's efficiency profile: a 910B and one 910C die compute alike", () => {
    // Without TP overlap: its chunking depends on the TP link, which differs (HCCS against UB).
    const text = trainingScenarioText("pangu-ultra-135b-a2-8192").replace(
      "overlap: { tp: true }",
      "overlap: { tp: false }",
    );
    const a2 = parseTrainingScenario(text, "a2.yaml");
    // The same job on Atlas 800T A3 nodes: 4,096 packages of two 910C dies = 8,192 ranks.
    const a3 = parseTrainingScenario(
      text.replace("system: atlas-800t-a2", "system: atlas-800t-a3").replace("chips: 8192", "chips: 4096"),
      "a3.yaml",
    );
    const b = pipelineCompute(a2).bottleneck;
    const c = pipelineCompute(a3).bottleneck;
    // ascend-910c lists 780 BF16 TFLOPS per package (390 per die) against the 910B's 376, so the
    // die may be faster by at most 390 / 376 on compute-bound work; with the default profile (GEMM
    // ceiling 0.75 against the 910C's 0.8645) the 910B would be ≈ 13 % slower instead.
    for (const key of ["forwardS", "backwardDataS", "backwardWeightS"] as const) {
      const ratio = c[key] / b[key];
      expect(ratio).toBeGreaterThan(376 / 390 - 1e-3);
      expect(ratio).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});
