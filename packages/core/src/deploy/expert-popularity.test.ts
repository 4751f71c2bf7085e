import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { expertLoadSkewProfile, expertLoadSkewProfiles, fitExpertPopularity } from "./expert-popularity.ts";

const XDS = "xdeepserve-r1-sharegpt";

describe("expert-load skew profiles", () => {
  it("records the xDeepServe statistic with its source", () => {
    const p = expertLoadSkewProfile(XDS);
    expect(p.hottestOverMean).toBe(30);
    expect(p.fractionAboveMean).toBe(0.2);
    expect(p.source.url).toContain("2508.02520");
    expect(p.source.section).toContain("Fig. 11");
    expect(expertLoadSkewProfiles().length).toBeGreaterThanOrEqual(1);
  });

  it("rejects an unknown profile with the known ids", () => {
    const e = supernodeErrorOf(() => expertLoadSkewProfile("nope"));
    expect(e?.message).toContain(XDS);
  });
});

describe("fitExpertPopularity", () => {
  it("reproduces both published statistics for DeepSeek's 256 routed experts", () => {
    const fit = fitExpertPopularity(expertLoadSkewProfile(XDS), 256);
    const mean = 1 / 256;
    expect(fit.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect((fit.shares[0] ?? 0) / mean).toBeCloseTo(30, 6);
    const above = fit.shares.filter((s) => s > mean).length / 256;
    expect(Math.abs(above - 0.2)).toBeLessThanOrEqual(1 / 256);
    // Loads are ranked hottest first.
    for (let i = 1; i < fit.shares.length; i++)
      expect(fit.shares[i] ?? 0).toBeLessThanOrEqual(fit.shares[i - 1] ?? 0);
    expect(fit.exponent).toBeCloseTo(0.715, 2);
    expect(fit.offset).toBeCloseTo(-0.561, 2);
  });

  it("fits larger expert counts, and refuses counts the family cannot fit", () => {
    const fit = fitExpertPopularity(expertLoadSkewProfile(XDS), 384);
    expect((fit.shares[0] ?? 0) * 384).toBeCloseTo(30, 4);
    const above = fit.shares.filter((s) => s > 1 / 384).length / 384;
    expect(Math.abs(above - 0.2)).toBeLessThanOrEqual(1 / 384);
    const e = supernodeErrorOf(() => fitExpertPopularity(expertLoadSkewProfile(XDS), 128));
    expect(e?.message).toContain("cannot be fitted");
  });

  it("gives the plain nested bisection's answer to the last bit", () => {
    // The definition the fit's guided bisections must reproduce exactly (same formula, same order).
    const moments = (n: number, s: number, q: number) => {
      let total = 0;
      for (let i = 1; i <= n; i++) total += (i + q) ** -s;
      const mean = total / n;
      return { hot: (1 + q) ** -s / mean, above: (mean ** (-1 / s) - q - 0.5) / n };
    };
    const bisect = (lo: number, hi: number, tooLow: (x: number) => boolean) => {
      let [a, b] = [lo, hi];
      for (let k = 0; k < 100; k++) {
        const mid = (a + b) / 2;
        const [nextA, nextB] = tooLow(mid) ? [mid, b] : [a, mid];
        if (nextA === a && nextB === b) break;
        [a, b] = [nextA, nextB];
      }
      return (a + b) / 2;
    };
    const profile = expertLoadSkewProfile(XDS);
    for (const n of [256, 1024]) {
      const offsetFor = (s: number) =>
        bisect(-0.999, 1e5, (q) => moments(n, s, q).hot > profile.hottestOverMean);
      const exponent = bisect(0.01, 8, (s) => moments(n, s, offsetFor(s)).above > profile.fractionAboveMean);
      const fit = fitExpertPopularity(profile, n);
      expect(fit.exponent).toBe(exponent);
      expect(fit.offset).toBe(offsetFor(exponent));
    }
  });
});
