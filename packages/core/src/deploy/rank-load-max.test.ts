import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CERTAIN_Z, expectedMaxRankLoad, normalCdf } from "./rank-load-max.ts";

describe("expectedMaxRankLoad", () => {
  it("is the expected-load ratio when the noise vanishes", () => {
    expect(expectedMaxRankLoad([1, 1, 1, 1], 1e14)).toBeCloseTo(1, 5);
    expect(expectedMaxRankLoad([2, 1, 1], 1e14)).toBeCloseTo(1.5, 5);
  });

  it("two equal ranks: E[max] = μ + σ√(2/π), the fixed-total value (max = μ + |S₁ − μ|)", () => {
    const n = 10_000;
    const mu = n / 2;
    const sigma = Math.sqrt(n * 0.25); // Binomial(n, ½)
    expect(expectedMaxRankLoad([1, 1], n)).toBeCloseTo((mu + sigma * Math.sqrt(2 / Math.PI)) / mu, 4);
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

/** The integral as first written (every rank at every x, in rank order): the bits to keep. */
function referenceMaxRankLoad(shares: readonly number[], assignments: number): number {
  const total = shares.reduce((a, b) => a + b, 0);
  const r = shares.length;
  if (r === 0 || total <= 0 || assignments <= 0) return 1;
  const mu = shares.map((s) => (assignments * s) / total);
  const sigma = shares.map((s) => Math.sqrt(assignments * (s / total)));
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < r; k++) {
    lo = Math.max(lo, (mu[k] as number) - 9 * (sigma[k] as number));
    hi = Math.max(hi, (mu[k] as number) + 9 * (sigma[k] as number));
  }
  const dx = (hi - lo) / 2000;
  let integral = lo;
  for (let j = 0; j < 2000; j++) {
    const x = lo + (j + 0.5) * dx;
    let allBelow = 1;
    for (let k = 0; k < r && allBelow > 2 ** -54; k++) {
      const s = sigma[k] as number;
      const m = mu[k] as number;
      allBelow *= s > 0 ? normalCdf((x - m) / s) : x >= m ? 1 : 0;
    }
    integral += (1 - allBelow) * dx;
  }
  return Math.max(1, integral / (assignments / r));
}

describe("expectedMaxRankLoad keeps the bits of the plain integral", () => {
  it("normalCdf is exactly 1 from CERTAIN_Z (less its rounding margin) on", () => {
    let notOne = 0;
    for (let z = CERTAIN_Z * (1 - 1e-9); z < 40; z += 1e-4) if (normalCdf(z) !== 1) notOne++;
    expect(notOne).toBe(0);
    expect(normalCdf(8.2)).toBeLessThan(1); // the margin is not far above where it starts
  });

  it("equals the plain integral bit for bit (property: skewed, empty and lone ranks)", () => {
    const share = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true }));
    fc.assert(
      fc.property(
        fc.array(share, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.5, max: 1e8, noNaN: true }),
        (shares, n) => Object.is(expectedMaxRankLoad(shares, n), referenceMaxRankLoad(shares, n)),
      ),
      { numRuns: 60 },
    );
    for (const [shares, n] of [
      [[1, 0, 0], 500],
      [[3, 1, 1, 0], 7],
      [Array.from({ length: 288 }, (_, i) => (i < 32 ? 0 : 1 / (1 + (i % 17)))), 2212.8],
    ] as const)
      expect(Object.is(expectedMaxRankLoad(shares, n), referenceMaxRankLoad(shares, n))).toBe(true);
  });
});
