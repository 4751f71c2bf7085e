import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { promptsPerRankUnchunked } from "./dp-prefill.ts";
import { offlineSearch } from "./offline-point.ts";

describe("prefill under attention DP: each rank admits whole prompts", () => {
  it("unchunked admission: whole prompts that fit beside the rank's decode tokens, at least one", () => {
    expect(
      promptsPerRankUnchunked({ rankBudgetTokens: 8960, rankDecodeTokens: 394, promptTokens: 8192 }),
    ).toBe(1);
    expect(
      promptsPerRankUnchunked({ rankBudgetTokens: 6656, rankDecodeTokens: 1300, promptTokens: 1024 }),
    ).toBe(5);
    expect(
      promptsPerRankUnchunked({ rankBudgetTokens: 2048, rankDecodeTokens: 2000, promptTokens: 1024 }),
    ).toBe(1);
  });
});

describe("the offline point without chunked prefill under attention DP", () => {
  const scenario = (chunked: boolean) =>
    parseScenario(
      `system: dgx-b200
model: gpt-oss-20b
precision: { weights: fp4, activations: fp8, kvCache: fp8, attention: bf16 }
deployment:
  colocated:
    chipsPerInstance: 2
    attention: { tp: 1 }
    denseFfn: { tp: 1 }
    moe: { ep: 2 }
offline: { promptTokens: 8192, outputTokens: 256, maxSequencesPerInstance: 256 }
serving:
  scheduler: { maxBatchTokens: 17000, chunkedPrefill: ${chunked} }`,
      "dep2.yaml",
    );

  it("each rank admits whole prompts into its own budget: mixed iterations = B / (dp × prompts per rank)", () => {
    const whole = offlineSearch(scenario(false));
    const b = whole.best.sequencesPerInstance;
    // Per rank: 8,500 tokens less its b/2 decode tokens holds one 8,192-token prompt.
    const perRank = Math.floor((17000 / 2 - b / 2) / 8192);
    expect(perRank).toBe(1);
    const mixed = b / (2 * perRank);
    const plain = whole.best.decodeS / whole.best.decodeStepS;
    expect(plain).toBeCloseTo(255 + 1 - mixed, 6);
    // The fluid (chunked) point spreads the room (17,000 − b tokens) evenly: fewer, fuller mixed iterations.
    const fluid = offlineSearch(scenario(true));
    const fb = fluid.best.sequencesPerInstance;
    expect(fluid.best.decodeS / fluid.best.decodeStepS).toBeCloseTo(255 + 1 - (fb * 8192) / (17000 - fb), 6);
  });
});
