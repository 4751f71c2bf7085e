import { describe, expect, it } from "vitest";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const QWEN_B200 = "mlenergy-qwen3-32b-b200-chat";
const QWEN_VOCAB = 151936 / 131072; // the points are at 131,072 logits
const NO_PENALTIES = "engine.penalties=false";

describe("the engine's top-p sampler in the decode step (data/engines/vllm.yaml sampler)", () => {
  it("adds vLLM 0.11.1's full-vocabulary sort and the rest of its sampling call, not hidden by async scheduling", () => {
    const topP = must(estimate(referenceScenario(QWEN_B200, NO_PENALTIES)).decode).step;
    const greedy = must(
      estimate(referenceScenario(QWEN_B200, "engine.sampling=greedy", NO_PENALTIES)).decode,
    ).step;
    // B200's own top-p point (2.318 ms at 128 rows) and H200's rest (0.211 ms) at B200's HBM bandwidth;
    // the rest's final softmax replaces the step's softmax pass.
    const samplerS = (2.318e-3 + (0.211e-3 * 4.8) / 7.7) * QWEN_VOCAB;
    expect(topP.samplingS).toBeCloseTo(samplerS, 6);
    // The step grows by the sampler, less the compute-bound time the power-limited clock gives back
    // (the sampler's HBM-bound time lowers the step's mean power, so the clock throttles less).
    const clockShiftS = topP.timeByBound.compute - greedy.timeByBound.compute;
    expect(topP.stepS - greedy.stepS - clockShiftS).toBeCloseTo(samplerS - greedy.samplingS, 6);
    expect(topP.timeByBound.memory - greedy.timeByBound.memory).toBeCloseTo(samplerS - greedy.samplingS, 6);
  });

  it("on H100 takes H200's measurement (same FP32 peak) and scales only the rest by HBM bandwidth", () => {
    const at = (...o: string[]) =>
      must(estimate(referenceScenario(QWEN_B200, NO_PENALTIES, ...o)).decode).step.samplingS;
    const h100 = at("system=hgx-h100", "deployment.colocated.batchPerChip=32");
    expect(h100).toBeCloseTo((0.707e-3 + (0.093e-3 * 4.8) / 3.35) * QWEN_VOCAB, 6);
    expect(at("deployment.colocated.batchPerChip=456")).toBeGreaterThan(2 * at());
  });
});

describe("the penalty pass (engine.penalties, data/engines/vllm.yaml sampler.penalties)", () => {
  it("streams 85 B per logit over every row's vocabulary in 16 kernels, before the sampler", () => {
    const withP = must(estimate(referenceScenario(QWEN_B200)).decode).step;
    const without = must(estimate(referenceScenario(QWEN_B200, NO_PENALTIES)).decode).step;
    const bytes = 128 * 151936 * 85;
    const penaltyS = withP.samplingS - without.samplingS;
    const clockShiftS = withP.timeByBound.compute - without.timeByBound.compute;
    expect(withP.stepS - without.stepS - clockShiftS).toBeCloseTo(penaltyS, 9);
    // At least the bytes at the B200's HBM bandwidth, at most that over 0.7 plus 16 launches of 10 µs.
    expect(penaltyS).toBeGreaterThan(bytes / 7.7e12);
    expect(penaltyS).toBeLessThan(bytes / (0.7 * 7.7e12) + 16 * 10e-6);
  });

  it("does nothing with greedy sampling (no engine sampler)", () => {
    const at = (...o: string[]) =>
      must(estimate(referenceScenario(QWEN_B200, "engine.sampling=greedy", ...o)).decode).step.stepS;
    expect(at()).toBe(at(NO_PENALTIES));
  });
});
