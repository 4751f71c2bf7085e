import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expertImbalanceFactor } from "./expert-imbalance.ts";

const ctx = { routedAssignments: 122880, ranks: 288, routedExperts: 256, redundantExperts: 32 };
/** The xDeepServe R1 ShareGPT skew under global EPLB. */
const skew = { distribution: "measured-skew", profile: "xdeepserve-r1-sharegpt", placement: "eplb" } as const;
/** Prefill EP32: 288 slots, 9 per rank, 1M assignments per microbatch. */
const prefill = { routedAssignments: 1_048_576, ranks: 32, routedExperts: 256, redundantExperts: 32 };

describe("expertImbalanceFactor", () => {
  it("is 1 when balanced and the given factor otherwise", () => {
    expect(expertImbalanceFactor("balanced", ctx).factor).toBe(1);
    expect(expertImbalanceFactor(1.3, ctx).factor).toBe(1.3);
  });

  it("uniform random routing: μ + σ√(2 ln R) over the mean", () => {
    const mean = ctx.routedAssignments / ctx.ranks;
    const sigma = Math.sqrt(mean * (1 - 1 / ctx.ranks));
    const expected = 1 + (sigma * Math.sqrt(2 * Math.log(ctx.ranks))) / mean;
    expect(expertImbalanceFactor({ distribution: "uniform-random" }, ctx).factor).toBeCloseTo(expected, 12);
  });

  it("uniform random imbalance shrinks as batches grow (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1e6 }), fc.integer({ min: 2, max: 512 }), (tokens, ranks) => {
        const small = expertImbalanceFactor(
          { distribution: "uniform-random" },
          { ...ctx, routedAssignments: tokens, ranks },
        );
        const large = expertImbalanceFactor(
          { distribution: "uniform-random" },
          { ...ctx, routedAssignments: tokens * 4, ranks },
        );
        return small.factor >= 1 && large.factor <= small.factor;
      }),
    );
  });

  it("zipf popularity: steeper is more imbalanced, redundancy helps", () => {
    const mild = expertImbalanceFactor({ distribution: "zipf", exponent: 0.5 }, ctx).factor;
    const steep = expertImbalanceFactor({ distribution: "zipf", exponent: 1.2 }, ctx).factor;
    const noCopies = expertImbalanceFactor(
      { distribution: "zipf", exponent: 1.2 },
      { ...ctx, redundantExperts: 0, ranks: 256 },
    ).factor;
    expect(mild).toBeGreaterThanOrEqual(1);
    expect(steep).toBeGreaterThan(mild);
    expect(noCopies).toBeGreaterThan(steep);
  });

  it("measured skew: EPLB absorbs it with many slots per rank, not with one expert per rank", () => {
    const prefillEp32 = expertImbalanceFactor(skew, prefill);
    // Decode EP288 (one expert per die): 122,880 assignments per microbatch.
    const decode = expertImbalanceFactor(skew, ctx);
    expect(prefillEp32.factor).toBeGreaterThanOrEqual(1);
    expect(prefillEp32.factor).toBeLessThan(1.05);
    expect(decode.factor).toBeGreaterThan(2.5);
    expect(decode.factor).toBeLessThan(3.5);
    expect(decode.basis).toContain("xdeepserve-r1-sharegpt");
    const noCopies = expertImbalanceFactor(skew, { ...ctx, ranks: 256, redundantExperts: 0 }).factor;
    expect(noCopies).toBeGreaterThan(29);
  });

  it("measured skew, hierarchical EPLB: expert groups pinned to 4 nodes keep a hot node (EP32 prefill)", () => {
    const spec = { ...skew, placement: "eplb-hierarchical" } as const;
    const global = expertImbalanceFactor(skew, prefill).factor;
    const fourNodes = expertImbalanceFactor(spec, { ...prefill, expertGroups: 8, nodes: 4 });
    expect(fourNodes.factor).toBeGreaterThan(global + 0.15);
    expect(fourNodes.basis).toContain("8 expert groups packed onto 4 nodes");
    expect(() => expertImbalanceFactor(spec, { ...prefill, expertGroups: 1, nodes: 4 })).toThrow(
      /global policy: placement eplb/,
    );
  });
});
