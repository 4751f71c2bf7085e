import { describe, expect, it } from "vitest";
import { AttentionDpPlacement, AttentionDpPlacements } from "./attention-dp-placement.ts";
import type { ServingInstance } from "./serving-instance.ts";

describe("AttentionDpPlacement", () => {
  it("puts a lone prompt on one rank: the busiest rank holds all of it", () => {
    const b = new AttentionDpPlacement(8).busiestRank(Int32Array.of(800), Int32Array.of(0), 1);
    expect(b.sequences).toBe(1);
    expect(b.newTokens).toBe(800);
    expect(b.attendedTokenPairs).toBe((800 * 801) / 2);
  });

  it("spreads prompts longest first over the least-loaded ranks", () => {
    const placement = new AttentionDpPlacement(2);
    // 900 | 500 + 300 + 100: the busiest rank holds the 900-token prompt
    const b = placement.busiestRank(Int32Array.of(100, 500, 900, 300), new Int32Array(4), 4);
    expect(b.newTokens).toBe(900);
    expect(b.sequences).toBe(1);
    // eight equal prompts on eight ranks: one each
    const even = new AttentionDpPlacement(8).busiestRank(new Int32Array(8).fill(700), new Int32Array(8), 8);
    expect(even.newTokens).toBe(700);
    expect(even.sequences).toBe(1);
  });

  it("counts a chunk's cached context in its attention pairs and context tokens", () => {
    const b = new AttentionDpPlacement(4).busiestRank(Int32Array.of(512), Int32Array.of(1024), 1);
    expect(b.attendedTokenPairs).toBe(512 * (1024 + 256.5));
    expect(b.contextTokens).toBe(1024);
  });

  it("reuses its buffers across calls and grows for large batches", () => {
    const placement = new AttentionDpPlacement(3);
    const chunks = new Int32Array(600).fill(10);
    const b = placement.busiestRank(chunks, new Int32Array(600), 600);
    expect(b.newTokens).toBe(2000);
    expect(placement.busiestRank(Int32Array.of(5), Int32Array.of(0), 1).newTokens).toBe(5);
  });

  it("reads an instance's batch and its requests' prefilled tokens; nothing without attention DP or prompts", () => {
    const instance = (ranks: number, chunks: number[]) =>
      ({
        perf: { attentionDpRanks: ranks },
        batchIds: Int32Array.of(0, 1, 2),
        batchChunks: Int32Array.from(chunks),
        batchCount: chunks.length,
      }) as unknown as ServingInstance;
    const placements = new AttentionDpPlacements();
    const prefillDone = Int32Array.of(0, 0, 2048);
    const b = placements.busiestRank(instance(2, [300, 200, 600]), prefillDone);
    expect(b?.newTokens).toBe(600);
    expect(b?.contextTokens).toBe(2048);
    expect(placements.busiestRank(instance(1, [300]), prefillDone)).toBeUndefined();
    expect(placements.busiestRank(instance(8, []), prefillDone)).toBeUndefined();
  });
});
