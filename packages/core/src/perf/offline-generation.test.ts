import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { offlineSearch } from "./offline-point.ts";
import { instancePerformance } from "./step-instance-performance.ts";

// DeepSeek-V3 on 8 H200, attention DP8 + EP8, prefill iterations alone (SGLang's default).
// The KV cache keeps the activation-reserve split (usableFraction written): SGLang's own default
// mem_fraction_static at DP8 and a 16K budget would leave DeepSeek-V3 almost no pool on an H200.
const scenario = (prompt: string, mixWithDecode: boolean, dp = 8, mtp = "", engine = "sglang") =>
  parseScenario(
    `system: hgx-h200
engine: { name: ${engine} }
model: deepseek-v3
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated:
    chipsPerInstance: 8
    attention: { tp: ${8 / dp} }
    denseFfn: { tp: ${8 / dp} }
    moe: { ep: 8 }${mtp}
offline: { promptTokens: ${prompt}, outputTokens: 512, maxSequencesPerInstance: 128 }
serving: { scheduler: { maxBatchTokens: 16384, mixWithDecode: ${mixWithDecode} }, kvCache: { usableFraction: 1 } }`,
    "offline.yaml",
  );
const point = (prompt: string, mixWithDecode: boolean, dp = 8, mtp = "") =>
  offlineSearch(scenario(prompt, mixWithDecode, dp, mtp)).best;

// Prompts of 2,047 to 2,049 tokens: the mean and moments of a fixed 2,048, but lengths that vary.
const varying = "{ kind: uniform, minTokens: 2047, maxTokens: 2049 }";
const mtp = "\n    mtp: { draftTokens: 1, acceptanceRate: 0.8 }";

describe("attention-DP ranks that prefill apart", () => {
  it("with varying lengths and prefill alone, each rank's share is its own iteration; the others decode", () => {
    const together = point("2048", false);
    const search = offlineSearch(scenario(varying, false));
    const apart = search.best;
    expect(apart.sequencesPerInstance).toBe(128);
    expect(together.sequencesPerInstance).toBe(128);
    // 128 × 2,048 / 16,384 = 16 in-step iterations become 8 × 16 iterations of one rank's 2,048
    // tokens: more time than the 16 (each rank's attention is as long, and every iteration reads
    // the weights), less than 8 × 16 in-step ones (the experts see one rank's tokens).
    expect(apart.prefillS).toBeGreaterThan(together.prefillS);
    expect(apart.prefillS).toBeLessThan(8 * together.prefillS);
    // Each of them: that prompt on its rank (rank-local work on all of it) beside the other 7
    // ranks' 7 × 16 = 112 sequences decoding at the mean decode context.
    const perf = instancePerformance(scenario(varying, false), "colocated");
    const pairs = search.lengths?.promptPairsPerToken ?? Number.NaN;
    const context = search.lengths?.decodeContext ?? Number.NaN;
    const share = { sequences: 1, newTokens: 2048, attendedTokenPairs: 2048 * pairs };
    const others = { sequences: 112, kvTokens: 112 * context };
    expect(apart.prefillS).toBeCloseTo(128 * perf.mixedStepS(share, others, share), 6);
    // Each rank decodes one step in the other 7 ranks' 7 × 16 = 112 of them.
    expect(apart.decodeS).toBeCloseTo(together.decodeS - 112 * together.decodeStepS, 2);
    expect(apart.outputTokensPerSPerChip).toBeLessThan(together.outputTokensPerSPerChip);
  });

  it("with MTP the ranks without a prompt idle in another rank's prefill: one rank's chunk alone", () => {
    // SGLang never mixes prefill and decode under attention DP with speculative decoding
    // (scheduler.py get_next_batch_to_run → maybe_prepare_mlp_sync_batch): idle batches instead.
    const together = point("2048", false, 8, mtp);
    const search = offlineSearch(scenario(varying, false, 8, mtp));
    const apart = search.best;
    expect(apart.sequencesPerInstance).toBe(128);
    expect(together.sequencesPerInstance).toBe(128);
    // Every one of the (O − 1) / τ steps is still a decode-only step.
    expect(apart.decodeS).toBeCloseTo(together.decodeS, 6);
    expect(apart.decodeS).toBeCloseTo((511 / 1.8) * together.decodeStepS, 6);
    // 8 × 16 iterations, each one prompt of 2,048 tokens on one rank (its rank-local work on all
    // of them, as the serving simulator charges a lone chunk), no decode tokens.
    const perf = instancePerformance(scenario(varying, false, 8, mtp), "colocated");
    const pairs = search.lengths?.promptPairsPerToken ?? Number.NaN;
    const share = { sequences: 1, newTokens: 2048, attendedTokenPairs: 2048 * pairs };
    expect(apart.prefillS).toBeCloseTo(128 * perf.prefillStepS(share, share), 6);
    // The busiest rank's own work makes it longer than the same tokens spread over the ranks.
    expect(perf.prefillStepS(share, share)).toBeGreaterThan(perf.prefillStepS(share));
  });

  it("under an engine whose data do not idle them (TensorRT-LLM), the others decode in a rank's prefill with MTP too", () => {
    const idle = offlineSearch(scenario(varying, false, 8, mtp)).best;
    const decode = offlineSearch(scenario(varying, false, 8, mtp, "trtllm")).best;
    const decodeTogether = offlineSearch(scenario("2048", false, 8, mtp, "trtllm")).best;
    // the others' decode steps inside the prefill iterations: fewer decode-only steps
    expect(decode.decodeS).toBeLessThan(decodeTogether.decodeS);
    expect(idle.decodeS).toBeCloseTo(offlineSearch(scenario("2048", false, 8, mtp)).best.decodeS, 6);
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
