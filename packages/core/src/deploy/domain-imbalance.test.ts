import { describe, expect, it } from "vitest";
import { domainLoads, railImbalance } from "./domain-imbalance.ts";
import { expertImbalanceFactor } from "./expert-imbalance.ts";

describe("domainLoads", () => {
  it("sums consecutive ranks per domain", () => {
    expect(domainLoads([3, 1, 1, 1], 2)).toEqual([4, 2]);
    expect(domainLoads([1, 1, 1], 2)).toBeUndefined();
  });
});

describe("railImbalance", () => {
  it("is 1 under uniform routing and for one domain", () => {
    expect(railImbalance(0.25, 4, 8)).toBe(1);
    expect(railImbalance(1, 1, 8)).toBe(1);
  });
  it("counts tokens, not copies: a domain with 29 % of the copies gets ≈ 4 % more tokens at top-8 over 4 domains", () => {
    // 1 − 0.7075^8 = 0.937 against 1 − 0.75^8 = 0.900
    expect(railImbalance(0.2925, 4, 8)).toBeCloseTo(1.041, 3);
  });
  it("reaches the copy ratio at top-1", () => {
    expect(railImbalance(0.4, 4, 1)).toBeCloseTo(1.6, 9);
  });
});

describe("expertImbalanceFactor railFactor", () => {
  const k2 = {
    routedAssignments: 262_144 * 8,
    ranks: 32,
    routedExperts: 384,
    redundantExperts: 0,
    expertGroups: 1,
    nodes: 4,
    topK: 8,
  };
  it("is absent inside one domain or without the domain size", () => {
    const spec = {
      distribution: "measured-skew",
      profile: "xdeepserve-r1-sharegpt",
      placement: "eplb",
    } as const;
    expect(expertImbalanceFactor(spec, k2).railFactor).toBeUndefined();
    expect(expertImbalanceFactor(spec, { ...k2, ranksPerDomain: 32 }).railFactor).toBeUndefined();
  });
  it("Kimi K2 EP32 without copies over 4 HGX nodes: the hottest GPU ×2.76, its node's NICs ≈ ×1.07", () => {
    const r = expertImbalanceFactor(
      { distribution: "measured-skew", profile: "xdeepserve-r1-sharegpt", placement: "eplb" },
      { ...k2, ranksPerDomain: 8 },
    );
    expect(r.factor).toBeCloseTo(2.76, 2);
    expect(r.railFactor).toBeGreaterThan(1.05);
    expect(r.railFactor).toBeLessThan(1.1);
  });
  it("placement by index gives no domain loads (the fabric keeps the rank factor)", () => {
    const r = expertImbalanceFactor(
      { distribution: "measured-skew", profile: "xdeepserve-r1-sharegpt", placement: "by-index" },
      { ...k2, ranksPerDomain: 8 },
    );
    expect(r.railFactor).toBeUndefined();
  });
  it("hierarchical EPLB: the nodes are the domains only when they coincide", () => {
    const spec = {
      distribution: "measured-skew",
      profile: "xdeepserve-r1-sharegpt",
      placement: "eplb-hierarchical",
    } as const;
    const r1 = { ...k2, routedExperts: 256, redundantExperts: 32, expertGroups: 8, ranksPerDomain: 8 };
    const fourNodes = expertImbalanceFactor(spec, r1);
    expect(fourNodes.railFactor).toBeGreaterThan(1);
    expect(fourNodes.railFactor).toBeLessThanOrEqual(fourNodes.factor);
    expect(fourNodes.basis).toContain("hottest of 4 domains");
    expect(expertImbalanceFactor(spec, { ...r1, nodes: 2 }).railFactor).toBeUndefined();
  });
  it("uniform random routing: the domains' noise is below the ranks'", () => {
    const r = expertImbalanceFactor({ distribution: "uniform-random" }, { ...k2, ranksPerDomain: 8 });
    expect(r.railFactor).toBeGreaterThanOrEqual(1);
    expect(r.railFactor).toBeLessThan(r.factor);
  });
});
