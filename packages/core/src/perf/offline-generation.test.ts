import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { offlineSearch } from "./offline-point.ts";

// DeepSeek-V3 on 8 H200, attention DP8 + EP8, prefill iterations alone (SGLang's default).
const point = (prompt: string, mixWithDecode: boolean, dp = 8, mtp = "") =>
  offlineSearch(
    parseScenario(
      `system: hgx-h200
model: deepseek-v3
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated:
    chipsPerInstance: 8
    attention: { tp: ${8 / dp} }
    denseFfn: { tp: ${8 / dp} }
    moe: { ep: 8 }${mtp}
offline: { promptTokens: ${prompt}, outputTokens: 512, maxSequencesPerInstance: 128 }
serving: { scheduler: { maxBatchTokens: 16384, mixWithDecode: ${mixWithDecode} } }`,
      "offline.yaml",
    ),
  ).best;

// Prompts of 2,047 to 2,049 tokens: the mean and moments of a fixed 2,048, but lengths that vary.
const varying = "{ kind: uniform, minTokens: 2047, maxTokens: 2049 }";

describe("attention-DP ranks that prefill apart", () => {
  it("with varying lengths and prefill alone, each rank's share is its own iteration; the others decode", () => {
    const together = point("2048", false);
    const apart = point(varying, false);
    expect(apart.sequencesPerInstance).toBe(128);
    expect(together.sequencesPerInstance).toBe(128);
    // 128 × 2,048 / 16,384 = 16 in-step iterations become 8 × 16, each at the in-step iteration's time ...
    expect(apart.prefillS).toBeCloseTo(8 * together.prefillS, 2);
    // ... and each rank decodes one step in the other 7 ranks' 7 × 16 = 112 of them.
    expect(apart.decodeS).toBeCloseTo(together.decodeS - 112 * together.decodeStepS, 2);
    expect(apart.outputTokensPerSPerChip).toBeLessThan(together.outputTokensPerSPerChip);
  });

  it("with MTP the ranks without a prompt idle in another rank's prefill: no decode step there", () => {
    // SGLang never mixes prefill and decode under attention DP with speculative decoding
    // (scheduler.py get_next_batch_to_run → maybe_prepare_mlp_sync_batch): idle batches instead.
    const mtp = "\n    mtp: { draftTokens: 1, acceptanceRate: 0.8 }";
    const together = point("2048", false, 8, mtp);
    const apart = point(varying, false, 8, mtp);
    expect(apart.sequencesPerInstance).toBe(128);
    expect(together.sequencesPerInstance).toBe(128);
    expect(apart.prefillS).toBeCloseTo(8 * together.prefillS, 2);
    // Every one of the (O − 1) / τ steps is still a decode-only step.
    expect(apart.decodeS).toBeCloseTo(together.decodeS, 6);
    expect(apart.decodeS).toBeCloseTo((511 / 1.8) * together.decodeStepS, 6);
  });

  it("changes nothing when prefill mixes with decode, or with one attention rank", () => {
    const mixedTogether = point("2048", true);
    const mixedApart = point(varying, true);
    expect(mixedApart.outputTokensPerSPerChip / mixedTogether.outputTokensPerSPerChip).toBeCloseTo(1, 4);
    const tpTogether = point("2048", false, 1);
    const tpApart = point(varying, false, 1);
    expect(tpApart.outputTokensPerSPerChip / tpTogether.outputTokensPerSPerChip).toBeCloseTo(1, 4);
  });
});
