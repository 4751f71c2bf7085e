import { describe, expect, it } from "vitest";
import type { InstancePerformance } from "./instance-performance.ts";
import { pipelinedRun, windowPieces } from "./offline-pipelined-run.ts";

// A stub instance: a mixed iteration costs 10 s, a decode step 1 s plus 1 ms per 1,000 KV tokens,
// so iteration counts and the KV each step sees can be read off the duration.
function stub(kvCostPerToken = 0): InstancePerformance & { mixedCalls: number } {
  const perf = {
    chips: 1,
    kvCacheCapacityTokens: 1e9,
    kvBytesPerToken: 1,
    meanTokensPerDecodeStep: 1,
    mixedCalls: 0,
    decodeStepS: (b: { sequences: number; kvTokens: number }) => 1 + kvCostPerToken * b.kvTokens,
    prefillStepS: () => 10,
    mixedStepS: () => {
      perf.mixedCalls += 1;
      return 10;
    },
  };
  return perf;
}

describe("pipelinedRun", () => {
  it("drains varying answers from the residual distribution: one length as its cohorts, a long tail to its longest answer", () => {
    // One prompt per iteration (1,000-token prompts in a 1,500-token budget): staggered cohorts of
    // one, 400 requests, so the run is in its steady state when the queue empties.
    const perf = { ...stub(), decodeStepS: (b: { sequences: number }) => 1 + 0.01 * b.sequences };
    const shape = { prompt: 1000, output: 20, budget: 1500, decodeTokensCharged: 1, dp: 1 };
    const cohorts = pipelinedRun(perf, 400, 40, shape);
    const fixed = pipelinedRun(perf, 400, 40, { ...shape, answers: [{ tokens: 20, weight: 1 }] });
    // Uniform ages of one length are what the staggered cohorts hold: the same run within 0.005 %.
    expect(fixed.durationS / cohorts.durationS).toBeCloseTo(1, 4);
    expect(Math.abs(fixed.iterations - cohorts.iterations)).toBeLessThanOrEqual(1);
    // The same mean (20 tokens) as ten answers of 10 and one of 120: the last sequences decode to
    // the 120th token, the run is longer by the drain, the admissions are unchanged.
    const tail = [
      { tokens: 10, weight: 10 },
      { tokens: 120, weight: 1 },
    ];
    const longTail = pipelinedRun(perf, 400, 40, { ...shape, answers: tail });
    expect(longTail.promptIterations).toBe(cohorts.promptIterations);
    expect(longTail.iterations).toBeGreaterThan(cohorts.iterations + 60);
    expect(longTail.durationS).toBeGreaterThan(cohorts.durationS + 50);
  });

  it("admits everything at once when the budget and the batch allow: one mixed iteration, then O − 1 steps", () => {
    const perf = stub();
    const run = pipelinedRun(perf, 100, 1000, {
      prompt: 10,
      output: 50,
      budget: 1e6,
      decodeTokensCharged: 1,
      dp: 1,
    });
    expect(run.iterations).toBe(50);
    expect(run.durationS).toBeCloseTo(10 + 49, 9);
    expect(run.peakSequences).toBe(100);
  });

  it("with one prompt per iteration the requests enter one by one and drain one by one (N + O − 1 iterations)", () => {
    const perf = stub();
    // 1,500 tokens: one whole 1,000-token prompt fits beside up to 500 decoding sequences, never two.
    const run = pipelinedRun(perf, 30, 1000, {
      prompt: 1000,
      output: 20,
      budget: 1500,
      decodeTokensCharged: 1,
      dp: 1,
    });
    expect(run.iterations).toBe(30 + 20 - 1);
    expect(perf.mixedCalls).toBe(30);
    // The 30 admitting iterations are the mixed ones (10 s each); the other 19 are decode-only.
    expect(run.promptIterations).toBe(30);
    expect(run.promptIterationsS).toBeCloseTo(30 * 10, 9);
    // The last request is admitted at iteration 29 and decodes 19 steps alone after it.
    expect(run.durationS).toBeCloseTo(30 * 10 + 19, 9);
    expect(run.peakSequences).toBe(20);
  });

  it("is the wave formula when admission is instantaneous and the batch limit binds: floor(N / B) + 1 generations", () => {
    const perf = stub();
    const run = pipelinedRun(perf, 250, 100, {
      prompt: 10,
      output: 40,
      budget: 1e6,
      decodeTokensCharged: 1,
      dp: 1,
    });
    expect(run.iterations).toBe(3 * 40);
    expect(run.durationS).toBeCloseTo(3 * (10 + 39), 9);
  });

  it("admits whole prompts per attention-DP rank into the rank's own budget", () => {
    const perf = stub();
    // Two ranks of 3,000 tokens each, 1,000-token prompts: 3 per rank while nothing decodes.
    const run = pipelinedRun(perf, 6, 1000, {
      prompt: 1000,
      output: 5,
      budget: 6000,
      decodeTokensCharged: 1,
      dp: 2,
    });
    expect(perf.mixedCalls).toBe(1);
    expect(run.iterations).toBe(5);
  });

  it("times the decode steps at the KV the running cohorts hold (prompt plus the tokens generated)", () => {
    const perf = stub(1e-3);
    const run = pipelinedRun(perf, 2, 1000, {
      prompt: 100,
      output: 4,
      budget: 1e6,
      decodeTokensCharged: 1,
      dp: 1,
    });
    // Steps 1..3 after the mixed iteration hold 2 × (100 + 1), 2 × (100 + 2), 2 × (100 + 3) tokens.
    expect(run.durationS).toBeCloseTo(10 + 3 + 1e-3 * 2 * (101 + 102 + 103), 9);
  });

  it("refuses a run whose instance cannot hold one sequence instead of reporting a run that never started", () => {
    const shape = { prompt: 16, output: 8, budget: 2048, decodeTokensCharged: 1, dp: 1 };
    expect(() => pipelinedRun(stub(), 10, 0, shape)).toThrow(/cannot admit any of its 10 queued requests/);
  });
});

describe("windowPieces", () => {
  it("is one piece without a chunk", () => {
    expect(windowPieces(5, 100, (at) => at, 1, undefined)).toEqual([[5, 100]]);
  });

  it("cuts a decode window where the mean context passes a chunk's end", () => {
    expect(windowPieces(0, 10, (at) => 6 + at, 1, 8)).toEqual([
      [0, 2],
      [2, 8],
    ]);
    const pieces = windowPieces(0, 32768, (at) => 1024 + at, 1, 8192);
    expect(pieces.map(([, n]) => n)).toEqual([7168, 8192, 8192, 8192, 1024]);
    expect(pieces.reduce((s, [, n]) => s + n, 0)).toBe(32768);
  });
});
