import { type FrontierExample, frontierExample, runFrontierExample } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { exampleText } from "./frontier-example-output.ts";

/** The GPT-MoE example in a one-point space per series, read where no deployment can be. */
function unreachable(e: FrontierExample): FrontierExample {
  const shrink = <T extends FrontierExample["series"][number]>(s: T): T => ({
    ...s,
    space: { ...s.space, chipsPerInstance: [32], attentionTp: [8], moeTp: [1], batchPerChip: [1], pp: [2] },
  });
  return {
    ...e,
    atTokensPerSPerUser: 1e6,
    series: e.series.map(shrink),
    variants: e.variants.map(shrink),
  };
}

describe("frontier --example text", () => {
  it("says which side reaches no deployment and how far it gets, instead of an undefined ratio", () => {
    const text = exampleText(
      runFrontierExample(unreachable(frontierExample("gpt-moe-1.8t-nvl72-vs-h100"))),
      0,
    );
    expect(text).not.toMatch(/undefined/);
    expect(text).toMatch(
      /HGX H100 over InfiniBand, FP8: no deployment reaches it \(at most [\d.]+ tokens\/s per user\)/,
    );
    expect(text).toMatch(
      /per chip: none \(GB200 NVL72, FP4 and HGX H100 over InfiniBand, FP8 reach no deployment at 1000000 tokens\/s per user\)/,
    );
    expect(text).toMatch(/FP4: none \(a side reaches no deployment\)/);
  });
});
