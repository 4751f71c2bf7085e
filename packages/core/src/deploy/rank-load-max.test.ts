import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectedMaxRankLoad } from "./rank-load-max.ts";

describe("expectedMaxRankLoad", () => {
  it("is the expected-load ratio when the noise vanishes", () => {
    expect(expectedMaxRankLoad([1, 1, 1, 1], 1e14)).toBeCloseTo(1, 5);
    expect(expectedMaxRankLoad([2, 1, 1], 1e14)).toBeCloseTo(1.5, 5);
  });

  it("two equal ranks: E[max] = μ + σ/√π", () => {
    const n = 10_000;
    const mu = n / 2;
    const sigma = Math.sqrt(n * 0.25);
    expect(expectedMaxRankLoad([1, 1], n)).toBeCloseTo((mu + sigma / Math.sqrt(Math.PI)) / mu, 4);
  });

  it("shrinks towards the expected-load ratio as the step grows (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1e6 }), fc.integer({ min: 2, max: 64 }), (n, ranks) => {
        const shares = new Array<number>(ranks).fill(1);
        const small = expectedMaxRankLoad(shares, n);
        const large = expectedMaxRankLoad(shares, n * 4);
        return small >= 1 && large <= small + 1e-9;
      }),
    );
  });
});
