import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expertImbalanceFactor } from "./expert-imbalance.ts";
import { maxNormalMoments } from "./expert-imbalance-max.ts";

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

  it("uniform random routing, many picks: μ + √(φμ)·E[Z_max] + (E[Z²_max] − 1)/6 over the mean", () => {
    const mean = ctx.routedAssignments / ctx.ranks;
    const [e1, e2] = maxNormalMoments(ctx.ranks);
    const phi = (256 - 8) / 255; // top-8 distinct of 256
    const expected = 1 + (Math.sqrt(phi * mean) * e1 + (e2 - 1) / 6) / mean;
    const got = expertImbalanceFactor({ distribution: "uniform-random" }, { ...ctx, topK: 8 }).factor;
    expect(got).toBeCloseTo(expected, 12);
    // The Gaussian bound 1 + σ√(2 ln R)/μ it replaced is above it.
    expect(got).toBeLessThan(1 + Math.sqrt((1 - 1 / ctx.ranks) / mean) * Math.sqrt(2 * Math.log(ctx.ranks)));
  });

  it("uniform random routing, one token of Qwen3-235B over EP4: the exact maximum, not the bound ×2.020", () => {
    const one = { routedAssignments: 8, ranks: 4, routedExperts: 128, redundantExperts: 0, topK: 8 };
    const f = expertImbalanceFactor({ distribution: "uniform-random" }, one).factor;
    expect(f).toBeGreaterThan(1.73); // a 40,000-trial routing simulation (stop 42): ×1.744
    expect(f).toBeLessThan(1.76);
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
