import { describe, expect, it } from "vitest";
import { rankLocalS } from "./rank-local-work.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { stepContext } from "./step-model.ts";
import { instanceStepTime } from "./step-pipeline.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/** MLPerf DeepSeek-R1 on DGX B200: DEP8 (attention DP 8, experts over 8 ranks). */
const scenario = referenceScenario("mlperf51-trtllm-deepseek-r1-offline");
const plan = must(scenario.deployment.colocated);
const prompt = (tokens: number, prompts = 1) => ({
  sequences: prompts,
  newTokens: tokens * prompts,
  attendedTokenPairs: (prompts * tokens * (tokens + 1)) / 2,
  contextTokens: 0,
});

describe("rank-local work under attention DP", () => {
  it("is the attention / norms / router / shared-expert part of a step: below the step, growing with the tokens", () => {
    const ctx = stepContext(scenario, plan);
    const small = instanceStepTime(ctx, { phase: "prefill", ...prompt(800) });
    const large = instanceStepTime(ctx, { phase: "prefill", ...prompt(800, 8) });
    expect(rankLocalS(small, plan)).toBeGreaterThan(0);
    expect(rankLocalS(small, plan)).toBeLessThan(small.layersS);
    expect(rankLocalS(large, plan)).toBeGreaterThan(rankLocalS(small, plan));
  });

  it("leaves out a dense FFN and a shared expert that gather the attention ranks' tokens (FFN TP above attention TP)", () => {
    const step = instanceStepTime(stepContext(scenario, plan), { phase: "prefill", ...prompt(800) });
    const dense = step.layers.find((l) => l.kind === "dense");
    const ffnS =
      must(dense).count *
      ((dense?.timing.byGroup["dense-ffn"] ?? 0) + (dense?.timing.byGroup["ffn-comm"] ?? 0));
    expect(ffnS).toBeGreaterThan(0);
    const sharedS = step.layers.reduce((a, l) => a + l.count * (l.timing.byGroup["shared-experts"] ?? 0), 0);
    expect(sharedS).toBeGreaterThan(0);
    const gathered = { ...plan, denseFfn: { tp: 8, dp: 1 } };
    expect(rankLocalS(step, gathered)).toBeCloseTo(rankLocalS(step, plan) - ffnS - sharedS, 12);
  });

  it("charges the busiest rank's own prompt beyond the even split, but less than every rank holding as much", () => {
    const perf = instancePerformance(scenario, "colocated");
    expect(perf.attentionDpRanks).toBe(8);
    // a batch whose mixed iteration is longer than the host's eager layer launches (perLayerUs × layers)
    const decode = { sequences: 4096, kvTokens: 4096 * 5000 };
    const one = prompt(800);
    const even = perf.mixedStepS(one, decode);
    const onOneRank = perf.mixedStepS(one, decode, one);
    const everyRank = perf.mixedStepS(prompt(800, 8), decode);
    expect(onOneRank).toBeGreaterThan(even);
    expect(onOneRank).toBeLessThan(everyRank);
    // a busiest rank holding no more than the even share adds nothing
    expect(perf.mixedStepS(prompt(800, 8), decode, prompt(800))).toBeCloseTo(everyRank, 12);
    // prefill-only iterations take the same rule (a prompt long enough to outlast the eager launches)
    const long = prompt(3000);
    expect(perf.prefillStepS(long, long)).toBeGreaterThan(perf.prefillStepS(long));
  });

  it("adds nothing without attention DP", () => {
    const tp = referenceScenario(
      "mlperf51-trtllm-deepseek-r1-offline",
      "deployment.colocated.attention={tp: 8}",
    );
    const perf = instancePerformance(tp, "colocated");
    expect(perf.attentionDpRanks).toBe(1);
    const decode = { sequences: 256, kvTokens: 256 * 5000 };
    expect(perf.mixedStepS(prompt(800), decode, prompt(800))).toBe(perf.mixedStepS(prompt(800), decode));
  });
});
