import { describe, expect, it } from "vitest";
import { solveMaxMin } from "./max-min.ts";

describe("solveMaxMin", () => {
  it("gives the textbook max-min allocation and re-shares bandwidth when a flow finishes", () => {
    // links 0 (cap 10) and 1 (cap 4); flow A on 0 and 1, flow B on 0, flow C on 1
    const s = solveMaxMin({
      capacity: Float64Array.of(10, 4),
      flowCount: 3,
      offset: Int32Array.of(0, 2, 3, 4),
      resources: Int32Array.of(0, 1, 0, 1),
      bytes: Float64Array.of(4, 16, 2),
    });
    expect(Array.from(s.initialRate)).toEqual([2, 8, 2]);
    // C finishes at 1 s; A then gets 4 (link 1 alone) but link 0 gives A min(4, 10 - 8)=2... B: 8
    expect(s.finishS[2]).toBeCloseTo(1, 12);
    expect(s.finishS[1]).toBeCloseTo(2, 12);
    expect(s.finishS[0]).toBeGreaterThan(1);
    expect(s.carried[0]).toBeCloseTo(20, 9);
    expect(s.carried[1]).toBeCloseTo(6, 9);
  });

  it("never exceeds a link's capacity and finishes equal flows together", () => {
    const n = 50;
    const s = solveMaxMin({
      capacity: Float64Array.of(100),
      flowCount: n,
      offset: Int32Array.from({ length: n + 1 }, (_, i) => i),
      resources: new Int32Array(n),
      bytes: new Float64Array(n).fill(10),
    });
    expect(s.initialRate.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 9);
    expect(s.events).toBe(1);
    expect(s.finishS[0]).toBeCloseTo(5, 12);
  });
});
