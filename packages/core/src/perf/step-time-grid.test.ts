import { describe, expect, it } from "vitest";
import { batchGrid, cachedGrid, interpolate, memoGrid, tokenGrid } from "./step-time-grid.ts";

describe("step-time grid", () => {
  it("is exact on whole batch sizes up to 64 and 5 % apart above", () => {
    expect(batchGrid(10)).toMatchObject({ lo: 10, hi: 10, w: 0 });
    expect(batchGrid(10.5)).toMatchObject({ lo: 10, hi: 11, w: 0.5 });
    const g = batchGrid(100);
    expect(g.lo).toBeLessThanOrEqual(100);
    expect(g.hi).toBeGreaterThan(100);
    expect(g.hi / g.lo).toBeCloseTo(1.05, 12);
    expect(batchGrid(g.hi).index).toBe(g.index + 1);
  });

  it("puts prefill tokens every 64 up to 8,192, then on the batch grid from 8,192", () => {
    expect(tokenGrid(512)).toMatchObject({ lo: 512, hi: 576, w: 0 });
    expect(tokenGrid(544)).toMatchObject({ lo: 512, hi: 576, w: 0.5 });
    const above = tokenGrid(8200);
    expect(above.lo).toBe(8192);
    expect(above.hi).toBeGreaterThan(8200);
  });

  it("reads cached context per token at 0, then powers of two", () => {
    expect(cachedGrid(0)).toEqual({ lo: 0, hi: 1, w: 0, index: 0 });
    expect(cachedGrid(3)).toEqual({ lo: 2, hi: 4, w: 0.5, index: 2 });
    expect(cachedGrid(4)).toEqual({ lo: 4, hi: 8, w: 0, index: 3 });
  });

  it("interpolates a function linear in batch and context exactly", () => {
    const f = (b: number, c: number) => 2 * b + 3 * c + 1;
    for (const [b, c] of [
      [7, 300],
      [10.25, 1000],
      [150, 4100],
      [3000, 0],
    ] as const) {
      expect(interpolate(b, c, f)).toBeCloseTo(f(b, c), 9);
      expect(interpolate(b, c, f, tokenGrid)).toBeCloseTo(f(b, c), 9);
    }
  });

  it("memoises one step per grid point", () => {
    let calls = 0;
    const step = memoGrid((sequences, meanContext) => {
      calls += 1;
      return sequences + meanContext;
    });
    for (let i = 0; i < 3; i++) expect(interpolate(20, 512, step)).toBe(532);
    const first = calls;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(4);
    interpolate(20, 512, step);
    expect(calls).toBe(first);
  });

  it("evaluates no neighbour whose weight is 0, with the value the weighted sum gives", () => {
    const asked: string[] = [];
    // a step time that is not linear in context, so the neighbours' values differ
    const f = (b: number, c: number) => {
      asked.push(`${b}@${c}`);
      return 1e-3 * b + 1e-6 * c * Math.sqrt(c + 1);
    };
    const weighted = (b: number, c: number) => {
      const lo = Math.floor(c / 256) * 256;
      const w = (c - lo) / 256;
      return f(b, lo) * (1 - w) + f(b, lo + 256) * w;
    };
    // batch and context on grid points: one evaluation, the grid point's own value
    expect(interpolate(20, 1536, f)).toBe(weighted(20, 1536));
    asked.length = 0;
    interpolate(20, 1536, f);
    expect(asked).toEqual(["20@1536"]);
    // context 0 (a decode step without KV), batch between grid points: the two batches at context 0
    asked.length = 0;
    const between = interpolate(20.5, 0, f);
    expect(asked).toEqual(["20@0", "21@0"]);
    expect(between).toBe(f(20, 0) * 0.5 + f(21, 0) * 0.5);
    // off the context grid: both contexts at both batches
    asked.length = 0;
    interpolate(20.5, 1600, f);
    expect(asked).toEqual(["20@1536", "20@1792", "21@1536", "21@1792"]);
  });
});
