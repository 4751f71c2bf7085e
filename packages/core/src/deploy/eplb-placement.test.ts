import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { placeExperts } from "./eplb-placement.ts";

describe("placeExperts (EPLB global policy)", () => {
  it("uniform loads pack to a factor of exactly 1", () => {
    const p = placeExperts(new Array<number>(256).fill(1), 0, 32);
    expect(p.maxOverMean).toBe(1);
    expect(p.rankLoads).toHaveLength(32);
    expect(p.rankLoads.every((l) => l === 8)).toBe(true);
  });

  it("one hot expert with enough redundancy is split into equal replicas", () => {
    // Expert 0 carries 4× the others; 3 redundant slots all go to it (4 → 2 → 1.33 → 1 per replica).
    const p = placeExperts([4, 1, 1, 1, 1], 3, 8);
    expect(p.replicas).toEqual([4, 1, 1, 1, 1]);
    expect(p.maxOverMean).toBeCloseTo(1, 12);
  });

  it("without redundancy the hot expert's rank sets the factor", () => {
    // One slot per rank: the hottest rank holds the hot expert: 4 ÷ (8 / 5) = 2.5.
    expect(placeExperts([4, 1, 1, 1, 1], 0, 5).maxOverMean).toBeCloseTo(2.5, 12);
  });

  it("replicates the expert with the largest load per replica, one slot at a time", () => {
    // 6 → 3 per replica beats 4; then 4 beats 3; then 6/3 = 2 ties 4/2 = 2 → first index wins.
    expect(placeExperts([6, 4, 1, 1], 2, 3).replicas).toEqual([2, 2, 1, 1]);
    expect(placeExperts([6, 4, 1, 1], 3, 7).replicas).toEqual([3, 2, 1, 1]);
  });

  it("packs heaviest-first onto the least-loaded rank with a free slot", () => {
    // Slots 5,4,3,2 on 2 ranks of 2: 5→A, 4→B, 3→B (7), 2→A (7).
    const p = placeExperts([5, 4, 3, 2], 0, 2);
    expect([...p.rankLoads].sort()).toEqual([7, 7]);
  });

  it("keeps the total load, gives a factor ≥ 1, and more redundancy never hurts the replicas (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 4, maxLength: 64 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 8 }),
        (loads, redundant, ranks) => {
          const p = placeExperts(loads, redundant, ranks);
          const total = loads.reduce((a, b) => a + b, 0);
          const placed = p.rankLoads.reduce((a, b) => a + b, 0);
          const maxReplica = (q: ReturnType<typeof placeExperts>) =>
            Math.max(...loads.map((l, i) => l / (q.replicas[i] ?? 1)));
          const more = placeExperts(loads, redundant + 1, ranks);
          return (
            Math.abs(placed - total) < 1e-9 * total &&
            p.maxOverMean >= 1 &&
            maxReplica(more) <= maxReplica(p) + 1e-12
          );
        },
      ),
    );
  });
});
