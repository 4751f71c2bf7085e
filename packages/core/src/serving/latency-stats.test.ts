import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencySketch, PERCENTILE_RELATIVE_ERROR } from "./latency-stats.ts";

/** The sample's value at rank q·(n − 1), the quantile DDSketch approximates. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe("latency sketch", () => {
  it("percentiles within the stated relative error; count, mean and max exact", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        (values) => {
          const sketch = new LatencySketch();
          for (const v of values) sketch.add(v);
          sketch.add(Number.NaN); // skipped
          const s = sketch.stats();
          const sorted = [...values].sort((a, b) => a - b);
          expect(s.count).toBe(values.length);
          expect(s.max).toBe(sorted[sorted.length - 1]);
          expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
          expect(s.percentileRelativeError).toBe(PERCENTILE_RELATIVE_ERROR);
          for (const [q, value] of [
            [0.5, s.p50],
            [0.9, s.p90],
            [0.99, s.p99],
          ] as const) {
            const exact = exactQuantile(sorted, q);
            expect(Math.abs(value - exact)).toBeLessThanOrEqual(
              exact * PERCENTILE_RELATIVE_ERROR * (1 + 1e-9),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("merging two sketches equals sketching all values; an empty sketch reports zeros", () => {
    const a = new LatencySketch();
    const b = new LatencySketch();
    const all = new LatencySketch();
    for (let i = 1; i <= 5000; i++) {
      const v = ((i * 7919) % 1000) / 1000 + 0.001;
      (i % 2 === 0 ? a : b).add(v);
      all.add(v);
    }
    a.merge(b);
    const merged = a.stats();
    const direct = all.stats();
    expect(merged.p50).toBe(direct.p50);
    expect(merged.p99).toBe(direct.p99);
    expect(merged.count).toBe(direct.count);
    expect(new LatencySketch().stats()).toMatchObject({ count: 0, p50: 0, max: 0 });
  });
});
