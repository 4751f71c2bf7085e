import { describe, expect, it } from "vitest";
import { lengthPoints } from "./length-points.ts";

const mean = (ps: { tokens: number; weight: number }[]) =>
  ps.reduce((a, p) => a + p.weight * p.tokens, 0) / ps.reduce((a, p) => a + p.weight, 0);

describe("lengthPoints", () => {
  it("is one point for a number or a fixed length", () => {
    expect(lengthPoints(7)).toEqual([{ tokens: 7, weight: 1 }]);
    expect(lengthPoints({ kind: "fixed", tokens: 9 })).toEqual([{ tokens: 9, weight: 1 }]);
  });

  it("keeps a histogram's bins", () => {
    const bins = [
      { tokens: 100, weight: 3 },
      { tokens: 900, weight: 1 },
    ];
    expect(lengthPoints({ kind: "histogram", bins })).toEqual(bins);
  });

  it("gives a short uniform length every integer and a long one 64 equal sub-ranges with its mean", () => {
    expect(lengthPoints({ kind: "uniform", minTokens: 1, maxTokens: 3 }).map((p) => p.tokens)).toEqual([
      1, 2, 3,
    ]);
    const long = lengthPoints({ kind: "uniform", minTokens: 1, maxTokens: 1007 });
    expect(long).toHaveLength(64);
    expect(mean(long)).toBeCloseTo(504, 9);
    expect(long[0]?.tokens).toBeGreaterThan(1);
    expect(long[63]?.tokens).toBeLessThan(1007);
  });

  it("draws a log-normal length at its mean and clamps every point to [minTokens, maxTokens]", () => {
    const spec = { kind: "lognormal", meanTokens: 2000, sigma: 0.5, minTokens: 1 } as const;
    expect(mean(lengthPoints(spec)) / 2000).toBeCloseTo(1, 3);
    const capped = lengthPoints({ ...spec, sigma: 1, minTokens: 100, maxTokens: 4000 });
    expect(Math.min(...capped.map((p) => p.tokens))).toBe(100);
    expect(Math.max(...capped.map((p) => p.tokens))).toBe(4000);
    expect(mean(capped)).toBeLessThan(2000);
  });

  it("refuses a histogram read from a file, naming it", () => {
    expect(() => lengthPoints({ kind: "histogram", file: "lengths.csv" } as never)).toThrow(/lengths\.csv/);
  });
});
