import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ContendedItem, fairShares, itemAloneS, runConcurrentStreams } from "./stream-contention.ts";

const item = (computeS: number, memoryS: number, overheadS = 0): ContendedItem => ({
  computeS,
  memoryS,
  overheadS,
});

describe("fairShares (max-min fair split of one memory bandwidth)", () => {
  it("gives a small demand all it asks and splits the rest", () => {
    expect(fairShares([0.2, 1, 1])).toEqual([0.2, 0.4, 0.4]);
    expect(fairShares([0.3, 0.3])).toEqual([0.3, 0.3]);
    expect(fairShares([1, 1])).toEqual([0.5, 0.5]);
    expect(fairShares([0, 1])).toEqual([0, 1]);
  });
});

describe("runConcurrentStreams", () => {
  it("a stream alone takes its roofline time, overheads included", () => {
    const r = runConcurrentStreams([[item(2e-6, 3e-6, 1e-6), item(5e-6, 1e-6)]]);
    expect(r.finishS[0]).toBeCloseTo(9e-6, 15);
    expect(r.aloneS[0]).toBeCloseTo(itemAloneS(item(2e-6, 3e-6, 1e-6)) + 5e-6, 15);
  });

  it("two memory-bound streams share the bandwidth: together they take the sum of their traffic", () => {
    const r = runConcurrentStreams([[item(0, 4e-6)], [item(0, 6e-6)]]);
    expect(r.makespanS).toBeCloseTo(10e-6, 15);
    // while both run each gets half: the shorter finishes at 8 µs
    expect(r.finishS[0]).toBeCloseTo(8e-6, 15);
  });

  it("a compute-bound stream takes only what it needs; the memory-bound one gets the rest", () => {
    // stream 0 needs 25 % of the bandwidth to keep its cores busy; stream 1 wants all of it
    const r = runConcurrentStreams([[item(8e-6, 2e-6)], [item(0, 6e-6)]]);
    expect(r.finishS[0]).toBeCloseTo(8e-6, 15); // not slowed
    expect(r.finishS[1]).toBeCloseTo(8e-6, 15); // 6 µs of traffic at 75 % of the bandwidth
  });

  it("fabric items (no memory traffic) overlap memory-bound work for free", () => {
    const r = runConcurrentStreams([[item(0, 5e-6)], [item(5e-6, 0)]]);
    expect(r.makespanS).toBeCloseTo(5e-6, 15);
  });

  it("a subnormal amount of traffic beside real compute costs nothing (CI counterexample, seed 1114336041)", () => {
    const r = runConcurrentStreams([[{ computeS: 1.6267030297150759e-7, memoryS: 4e-323, overheadS: 0 }]]);
    expect(r.makespanS).toBe(1.6267030297150759e-7);
  });

  it("the makespan lies between the longest stream alone and the sum of the streams alone", () => {
    const arbItem = fc.record({
      computeS: fc.double({ min: 0, max: 1e-3, noNaN: true }),
      memoryS: fc.double({ min: 0, max: 1e-3, noNaN: true }),
      overheadS: fc.double({ min: 0, max: 1e-5, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(arbItem, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        (streams) => {
          const r = runConcurrentStreams(streams);
          const longest = Math.max(0, ...r.aloneS);
          const sum = r.aloneS.reduce((a, b) => a + b, 0);
          expect(r.makespanS).toBeGreaterThanOrEqual(longest * (1 - 1e-9) - 1e-15);
          expect(r.makespanS).toBeLessThanOrEqual(sum * (1 + 1e-9) + 1e-15);
        },
      ),
    );
  });
});
