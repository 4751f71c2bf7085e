import { describe, expect, it } from "vitest";
import { forEachShuffle } from "./shuffled-trials.ts";

describe("forEachShuffle", () => {
  it("visits `trials` permutations of the loads, the same ones on every run", () => {
    const loads = [1, 2, 3, 4, 5, 6, 7, 8];
    const run = () => {
      const seen: number[][] = [];
      forEachShuffle(loads, 50, (order) => seen.push([...order]));
      return seen;
    };
    const a = run();
    expect(a).toHaveLength(50);
    for (const order of a) expect([...order].sort((x, y) => x - y)).toEqual(loads);
    expect(new Set(a.map((o) => o.join(","))).size).toBeGreaterThan(40);
    expect(run()).toEqual(a);
  });
});
