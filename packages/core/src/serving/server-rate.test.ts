import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { SupernodeError } from "../spec/errors.ts";
import { percentileOf, serverRate, serverRun } from "./server-rate.ts";
import { servingModelOf } from "./simulate.ts";

/** Llama-2-7B on one A100 (the Vidur-shaped example), short answers so that each run is quick. */
const SCENARIO = `
name: server-rate test
system: hgx-a100
model: llama-2-7b
precision: { weights: fp16, activations: fp16, kvCache: fp16, attention: fp16 }
deployment:
  colocated:
    chipsPerInstance: 1
    attention: { tp: 1 }
    denseFfn: { tp: 1 }
    batchPerChip: 48
    kvLength: 1200
    tokensPerChip: 512
    promptLength: 1024
workload:
  arrival: { kind: poisson, ratePerS: 1 }
  promptTokens: { kind: uniform, minTokens: 256, maxTokens: 1792 }
  outputTokens: { kind: uniform, minTokens: 16, maxTokens: 336 }
  requests: 1500
serving:
  scheduler: { maxBatchTokens: 512, chunkedPrefill: true }
`;

const LIMITS = { percentile: 0.99, ttftS: 1, tpotS: 0.05 };
const OPTIONS = { minDurationS: 60, relativeTolerance: 0.02 };

describe("serverRate", () => {
  const scenario = parseScenario(SCENARIO, "server-rate.yaml");

  it("finds a rate whose p99 TTFT and TPOT meet the limits, while a rate above it misses one", () => {
    const found = serverRate(scenario, LIMITS, OPTIONS);
    const { best, above } = found;
    expect(best.meetsLimits).toBe(true);
    expect(best.ttftS).toBeLessThanOrEqual(LIMITS.ttftS);
    expect(best.tpotS).toBeLessThanOrEqual(LIMITS.tpotS);
    expect(above.meetsLimits).toBe(false);
    expect(above.ratePerS / best.ratePerS).toBeGreaterThan(1);
    expect(above.ratePerS / best.ratePerS).toBeLessThanOrEqual(1.02);
    // Played again, independently of the search: 10 % above the found rate misses a limit.
    const base = servingModelOf(scenario);
    const over = serverRun(base, best.ratePerS * 1.1, LIMITS, 1500);
    expect(over.ttftS > LIMITS.ttftS || over.tpotS > LIMITS.tpotS).toBe(true);
    // The figure is the rate times the mean answer (uniform 16 … 336: 176 tokens, ± sampling).
    expect(best.outputTokensPerS / best.ratePerS).toBeGreaterThan(160);
    expect(best.outputTokensPerS / best.ratePerS).toBeLessThan(190);
    expect(best.outputTokensPerSPerChip).toBeCloseTo(best.outputTokensPerS, 9);
    // A run lasts at least minDurationS of arrivals.
    for (const run of found.runs) expect(run.requests).toBe(Math.max(1500, Math.ceil(run.ratePerS * 60)));
  });

  it("is deterministic for a seed, and the seed changes the draws", () => {
    const a = serverRate(scenario, LIMITS, OPTIONS);
    const b = serverRate(scenario, LIMITS, OPTIONS);
    expect(b.best).toEqual(a.best);
    const c = serverRate(scenario, LIMITS, { ...OPTIONS, seed: 7 });
    expect(c.runs[0]?.ttftS).not.toBe(a.runs[0]?.ttftS);
  });

  it("a tighter TPOT limit lowers the rate", () => {
    const loose = serverRate(scenario, LIMITS, OPTIONS).best.ratePerS;
    const tight = serverRate(scenario, { ...LIMITS, tpotS: 0.03 }, OPTIONS).best.ratePerS;
    expect(tight).toBeLessThan(loose);
  });

  it("fails clearly when no rate meets the limits, and on limits that are not limits", () => {
    const impossible = () => serverRate(scenario, { ...LIMITS, ttftS: 1e-4 }, OPTIONS);
    expect(impossible).toThrow(SupernodeError);
    expect(impossible).toThrow(
      /no arrival rate meets p99 TTFT ≤ 0.0001 s and p99 TPOT ≤ 50 ms: at .* requests\/s p99 TTFT is/,
    );
    const percentAsQuantile = () => serverRate(scenario, { ...LIMITS, percentile: 99 }, OPTIONS);
    expect(percentAsQuantile).toThrow(/limits\.percentile.*--percentile.* must be between 0 and 1 .*got 99/);
    expect(percentAsQuantile).not.toThrow(/serving\.slo/);
    expect(() => percentAsQuantile()).toThrow(
      expect.objectContaining({ location: {} }), // no scenario field holds it
    );
    expect(() => serverRate(scenario, { ...LIMITS, tpotS: 0 }, OPTIONS)).toThrow(/tpotS must be a positive/);
  });
});

describe("percentileOf", () => {
  it("takes loadgen's sorted value at index floor(n·p)", () => {
    expect(percentileOf([4, 1, 3, 2], 0.5)).toBe(3);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentileOf(hundred, 0.99)).toBe(100);
    expect(percentileOf(hundred, 0.9)).toBe(91);
    expect(percentileOf([], 0.99)).toBe(0);
    expect(percentileOf([1, Number.POSITIVE_INFINITY], 0.99)).toBe(Number.POSITIVE_INFINITY);
  });
});
