import { describe, expect, it } from "vitest";
import { instancePerformance } from "./step-instance-performance.ts";
import { stepContext, stepTime } from "./step-model.ts";
import { denseColocatedScenario } from "./test-support/dense-colocated.ts";
import { must } from "./test-support/reference-scenario.ts";

describe("mixed prefill + decode iterations (one pass over the weights)", () => {
  const scenario = denseColocatedScenario();
  const perf = instancePerformance(scenario, "colocated");
  const chunk = {
    sequences: 1,
    newTokens: 512,
    attendedTokenPairs: 512 * (1024 + 256.5),
    contextTokens: 1024,
  };

  it("costs less than the two passes and more than either alone", () => {
    for (const decodes of [1, 8, 64]) {
      const decode = { sequences: decodes, kvTokens: decodes * 2300 };
      const prefill = perf.prefillStepS(chunk);
      const step = perf.decodeStepS(decode);
      const mixed = perf.mixedStepS(chunk, decode);
      expect(mixed).toBeGreaterThan(Math.max(prefill, step));
      expect(mixed).toBeLessThan(prefill + step);
    }
  });

  it("saves about a weight read: most of a small decode step, which reads the weights once", () => {
    const decode = { sequences: 4, kvTokens: 4 * 2300 };
    const saved = perf.prefillStepS(chunk) + perf.decodeStepS(decode) - perf.mixedStepS(chunk, decode);
    expect(saved).toBeGreaterThan(0.5 * perf.decodeStepS(decode));
  });

  it("reads the chunk's cached context from the KV cache: a chunk late in a long prompt costs more", () => {
    const early = { sequences: 1, newTokens: 512, attendedTokenPairs: 512 * 256.5, contextTokens: 0 };
    const late = {
      sequences: 1,
      newTokens: 512,
      attendedTokenPairs: 512 * (3584 + 256.5),
      contextTokens: 3584,
    };
    expect(perf.prefillStepS(late)).toBeGreaterThan(perf.prefillStepS(early));
    // the interpolated value follows the full step model with the same cached context (within 3 %)
    const ctx = stepContext(scenario, must(scenario.deployment.colocated));
    const exact = stepTime(ctx, { phase: "prefill", ...late }).stepS;
    expect(Math.abs(perf.prefillStepS(late) - exact) / exact).toBeLessThan(0.03);
  });
});
