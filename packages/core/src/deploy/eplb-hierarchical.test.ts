import { describe, expect, it } from "vitest";
import { placeExpertsHierarchical } from "./eplb-hierarchical.ts";
import { placeExperts } from "./eplb-placement.ts";
import { expertLoadSkewProfile, fitExpertPopularity } from "./expert-popularity.ts";

const deepseek = () => fitExpertPopularity(expertLoadSkewProfile("xdeepserve-r1-sharegpt"), 256).shares;

describe("EPLB hierarchical placement", () => {
  it("balances equal experts perfectly", () => {
    const p = placeExpertsHierarchical(
      new Array(64).fill(1),
      { groups: 8, nodes: 4, redundantSlots: 8, ranks: 8 },
      20,
    );
    expect(p.maxOverMean).toBeCloseTo(1, 9);
    expect(p.nodeMaxOverMean).toBeCloseTo(1, 9);
  });

  it("is the global policy on one node", () => {
    const loads = deepseek();
    const h = placeExpertsHierarchical(loads, { groups: 8, nodes: 1, redundantSlots: 32, ranks: 32 });
    expect(h.maxOverMean).toBe(placeExperts(loads, 32, 32).maxOverMean);
  });

  it("cannot move a hot group's load to another node", () => {
    // Two groups on two nodes: the hot group's node carries its whole load, whatever the copies.
    const loads = [5, 5, 1, 1];
    const p = placeExpertsHierarchical(loads, { groups: 2, nodes: 2, redundantSlots: 2, ranks: 2 }, 200);
    // Random group memberships: {5,5 | 1,1} (node 10 of 12), or {5,1 | 5,1} (balanced).
    expect(p.nodeMaxOverMean).toBeGreaterThan(1.1);
    expect(p.nodeMaxOverMean).toBeLessThan(10 / 6 + 1e-9);
    expect(placeExperts(loads, 2, 2).maxOverMean).toBeLessThan(p.maxOverMean);
  });

  it("leaves DeepSeek's measured skew far hotter over 4 nodes than the global policy (EP32)", () => {
    const loads = deepseek();
    const h = placeExpertsHierarchical(loads, { groups: 8, nodes: 4, redundantSlots: 32, ranks: 32 }, 400);
    const g = placeExperts(loads, 32, 32);
    expect(g.maxOverMean).toBeLessThan(1.01);
    expect(h.nodeMaxOverMean).toBeGreaterThan(1.15);
    expect(h.maxOverMean).toBeGreaterThanOrEqual(h.nodeMaxOverMean);
    expect(h.rankLoads.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // Fewer, larger nodes pool more groups: 2 nodes are closer to the global policy than 4.
    const two = placeExpertsHierarchical(loads, { groups: 8, nodes: 2, redundantSlots: 32, ranks: 32 }, 400);
    expect(two.maxOverMean).toBeLessThan(h.maxOverMean);
  });

  it("refuses groups that do not divide over the nodes, naming the field", () => {
    expect(() =>
      placeExpertsHierarchical(new Array(384).fill(1), {
        groups: 1,
        nodes: 4,
        redundantSlots: 32,
        ranks: 32,
      }),
    ).toThrow(/1 expert groups do not divide over the instance's 4 nodes/);
  });
});
