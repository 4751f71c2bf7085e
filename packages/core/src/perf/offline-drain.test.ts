import { describe, expect, it } from "vitest";
import type { InstancePerformance } from "./instance-performance.ts";
import { residualDrain } from "./offline-drain.ts";

// A stub: a decode step costs 1 s plus 1 ms per sequence, so the duration reads the batches.
function stub(tau = 1, perKvToken = 0): InstancePerformance {
  return {
    chips: 1,
    kvCacheCapacityTokens: 1e9,
    kvBytesPerToken: 1,
    meanTokensPerDecodeStep: tau,
    decodeStepS: (b: { sequences: number; kvTokens: number }) =>
      1 + 1e-3 * b.sequences + perKvToken * b.kvTokens,
    prefillStepS: () => 10,
    mixedStepS: () => 10,
  };
}

describe("residualDrain", () => {
  it("owes, for one answer length L, Σ (L − k) / L per sequence: the linear drain of uniform ages", () => {
    const d = residualDrain(stub(), 100, [{ tokens: 10, weight: 1 }], 0);
    expect(d.sequenceSteps).toBeCloseTo(100 * 5.5, 9);
    expect(d.steps).toBe(10);
    // Ten steps of 1 s plus 1 ms per sequence at batches 100, 90, …, 10 (the last survivors of a
    // hundred are almost surely there: (1 − 0.1)^100 ≈ 3·10⁻⁵).
    expect(d.durationS).toBeCloseTo(10 + 0.55, 3);
  });

  it("weighs a long answer by its length: one in ten answers of 100 tokens, the rest of 10", () => {
    const answers = [
      { tokens: 10, weight: 9 },
      { tokens: 100, weight: 1 },
    ];
    const d = residualDrain(stub(), 1000, answers, 0);
    // In flight: 90 / 190 of the sequences have a 10-token answer, 100 / 190 a 100-token one; a
    // uniform position owes (L + 1) / 2: (90 × 5.5 + 100 × 50.5) / 190 per sequence.
    expect(d.sequenceSteps).toBeCloseTo((1000 * (90 * 5.5 + 100 * 50.5)) / 190, 6);
    // The run lasts the longest answer, far beyond the mean of 19 tokens.
    expect(d.steps).toBe(100);
    expect(d.durationS).toBeGreaterThan(99);
  });

  it("counts MTP's tokens per step: τ = 2 halves the steps", () => {
    const d = residualDrain(stub(2), 100, [{ tokens: 10, weight: 1 }], 0);
    expect(d.steps).toBe(5);
    // Positions 1 … 10 owe ⌈(11 − p) / 2⌉ steps: 5, 5, 4, 4, 3, 3, 2, 2, 1, 1 → mean 3.
    expect(d.sequenceSteps).toBeCloseTo(100 * 3, 9);
  });

  it("times a survivor of answer L, t tokens in, at prompt + (L + t) / 2 of KV", () => {
    // One answer of 2 tokens, one drain window per step: at t = 0 every sequence survives with
    // 10 + 1 = 11 tokens; at t = 1 half do, each with 10 + 1.5 = 11.5.
    const perKv = 1e-6;
    const d = residualDrain(stub(1, perKv), 1000, [{ tokens: 2, weight: 1 }], 10);
    const step = (n: number, kv: number) => 1 + 1e-3 * n + perKv * n * kv;
    expect(d.durationS).toBeCloseTo(step(1000, 11) + step(500, 11.5), 9);
  });

  it("is empty without sequences", () => {
    expect(residualDrain(stub(), 0, [{ tokens: 10, weight: 1 }], 0)).toEqual({
      durationS: 0,
      steps: 0,
      sequenceSteps: 0,
    });
  });
});
