import { describe, expect, it } from "vitest";
import type { InstanceGroupSpec } from "../spec/index.ts";
import { checkOperatingPoint, decodeSequences } from "./plan-operating-point.ts";

const failWith = (fieldPath: ReadonlyArray<string | number>, detail: string): never => {
  throw new Error(`${fieldPath.join(".")}: ${detail}`);
};

/** A decode group of `chips` chips, one rank each, attention DP over all of them. */
function check(batchPerChip: number, chips: number, tp = 1): void {
  const group = { batchPerChip, kvLength: 1024, attention: { tp } } as unknown as InstanceGroupSpec;
  checkOperatingPoint("decode", group, { chipsPerInstance: chips, ranksPerInstance: chips }, failWith);
}

describe("a fractional decode batch per chip", () => {
  it("counts its sequences per instance as the whole number they are despite floating point", () => {
    expect(0.07 * 100).not.toBe(7); // 7.000000000000001: the case this guards
    expect(decodeSequences({ batchPerChip: 0.07, chipsPerInstance: 100 })).toBe(7);
    expect(decodeSequences({ batchPerChip: 0.072, chipsPerInstance: 375 })).toBe(27);
    expect(decodeSequences({ batchPerChip: 96, chipsPerInstance: 160 })).toBe(15360);
  });

  it("accepts a batch whose sequences per instance are whole up to rounding, refuses one that is not", () => {
    expect(() => check(0.07, 100, 100)).not.toThrow(); // 7 sequences on one DP group
    expect(() => check(0.075, 100, 100)).toThrow(
      "batchPerChip: 0.075 sequences per chip × 100 chips is not a whole number of sequences per instance",
    );
    expect(() => check(0.07, 100, 50)).toThrow(
      "7 sequences per instance (0.07 per chip × 100) do not divide over attention DP2: 1 left over",
    );
  });
});

describe("a disaggregated pool's own token budget (maxBatchTokens)", () => {
  const group = (extra: object) =>
    ({ batchPerChip: 64, kvLength: 1024, attention: { tp: 4 }, ...extra }) as unknown as InstanceGroupSpec;
  const ranks = { chipsPerInstance: 4, ranksPerInstance: 4 };

  it("is refused on a colocated group, whose budget is serving.scheduler.maxBatchTokens", () => {
    const colocated = group({ maxBatchTokens: 4096, tokensPerChip: 1024, promptLength: 1024 });
    expect(() => checkOperatingPoint("colocated", colocated, ranks, failWith)).toThrow(
      "maxBatchTokens: a colocated group's token budget per iteration is serving.scheduler.maxBatchTokens",
    );
  });

  it("must let a decode step advance one sequence with its draft tokens", () => {
    expect(() =>
      checkOperatingPoint("decode", group({ maxBatchTokens: 512 }), ranks, failWith),
    ).not.toThrow();
    expect(() =>
      checkOperatingPoint(
        "decode",
        group({ maxBatchTokens: 3, mtp: { draftTokens: 3, acceptanceRate: 0.7 } }),
        ranks,
        failWith,
      ),
    ).toThrow(
      "maxBatchTokens: 3 tokens per iteration cannot advance one decoding sequence, which takes 4 (1 + 3 draft tokens)",
    );
  });

  it("refuses a decode batch whose step would take more tokens than the pool's budget", () => {
    // 64 per chip × 4 chips = 256 sequences, one token each: a budget of 256 takes them, 255 does not.
    expect(() =>
      checkOperatingPoint("decode", group({ maxBatchTokens: 256 }), ranks, failWith),
    ).not.toThrow();
    expect(() => checkOperatingPoint("decode", group({ maxBatchTokens: 255 }), ranks, failWith)).toThrow(
      "batchPerChip: 256 sequences per instance (64 per chip × 4) take 256 tokens per step, above the pool's maxBatchTokens 255: at most 255 sequences per instance",
    );
  });
});
