import { describe, expect, it } from "vitest";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const QWEN_B200 = "mlenergy-qwen3-32b-b200-chat";

describe("the engine's top-p sampler in the decode step (data/engines/vllm.yaml sampler)", () => {
  it("adds vLLM 0.11.1's full-vocabulary sort on the device, memory-bound, not hidden by async scheduling", () => {
    const topP = must(estimate(referenceScenario(QWEN_B200)).decode).step;
    const greedy = must(estimate(referenceScenario(QWEN_B200, "engine.sampling=greedy")).decode).step;
    // 2.318 ms at 128 rows of 131,072 logits on B200, scaled to Qwen3's 151,936-entry vocabulary.
    const sortS = 2.318e-3 * (151936 / 131072);
    expect(topP.samplingS - greedy.samplingS).toBeCloseTo(sortS, 6);
    expect(topP.stepS - greedy.stepS).toBeCloseTo(sortS, 6);
    expect(topP.timeByBound.memory - greedy.timeByBound.memory).toBeCloseTo(sortS, 6);
  });

  it("grows with the batch and costs more on a chip with less HBM bandwidth", () => {
    const at = (...o: string[]) => must(estimate(referenceScenario(QWEN_B200, ...o)).decode).step.samplingS;
    expect(at("deployment.colocated.batchPerChip=456")).toBeGreaterThan(2 * at());
    expect(at("system=hgx-h100", "deployment.colocated.batchPerChip=32")).toBeGreaterThan(
      at("deployment.colocated.batchPerChip=32"),
    );
  });
});
