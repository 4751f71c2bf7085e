import { describe, expect, it } from "vitest";
import { simulateServing } from "./serving-engine.ts";
import type { ServingPool } from "./serving-model.ts";
import type { RequestRecord } from "./simulation-result.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens });

/**
 * Eight 100-token prompts sent at once to one prefill and one decode instance; each answer is 11
 * tokens (the first from the prefill, then 10 decode steps). Prefill: 10 ms + 20 µs per new token;
 * decode: 10 ms per step whatever the batch; the KV link is free.
 */
function run(prefill: Partial<ServingPool>, decode: Partial<ServingPool>) {
  const prefillPerf = syntheticPerformance({
    prefillFixedS: 0.01,
    prefillPerTokenS: 2e-5,
    prefillPerPairS: 0,
  });
  const decodePerf = syntheticPerformance({
    decodeFixedS: 0.01,
    decodePerSequenceS: 0,
    decodePerKvTokenS: 0,
  });
  const model = syntheticModel(
    {
      arrival: { kind: "closed-loop", concurrency: 8, thinkTimeS: 0 },
      promptTokens: fixed(100),
      outputTokens: fixed(11),
      requests: 8,
    },
    { scheduler: { maxBatchTokens: 2048, chunkedPrefill: true } },
    {
      prefill: { instances: 1, chipsPerInstance: 2, perf: prefillPerf, ...prefill },
      decode: { instances: 1, chipsPerInstance: 4, perf: decodePerf, ...decode },
      kvTransfer: linkTransferModel(1e15, 0, "free link"),
    },
  );
  const records: RequestRecord[] = [];
  simulateServing(model, { requests: 8, seed: 1, onRequest: (r) => records.push(r) });
  expect(records.length).toBe(8);
  return {
    lastTtftS: Math.max(...records.map((r) => r.ttftS ?? Number.NaN)),
    lastDecodeS: Math.max(...records.map((r) => (r.e2eS ?? Number.NaN) - (r.ttftS ?? Number.NaN))),
  };
}

describe("a disaggregated pool's own token budget per iteration", () => {
  // The first arrival starts a prefill iteration alone (10 ms + 100 × 20 µs = 12 ms); the other seven
  // arrive at the same instant, behind it.
  it("prefill: the pool's budget, not the scheduler's, sizes a prefill iteration", () => {
    // The scheduler's 2,048 tokens take the seven in one iteration: 12 ms + (10 ms + 700 × 20 µs).
    expect(run({}, {}).lastTtftS).toBeCloseTo(0.036, 6);
    // A pool budget of 100 takes one prompt per iteration: 8 × 12 ms.
    expect(run({ maxBatchTokens: 100 }, {}).lastTtftS).toBeCloseTo(0.096, 6);
  });

  it("decode: a budget of 4 tokens advances four sequences per step, the rest wait for a free slot", () => {
    // The first request decodes from 12 ms (steps end at 22, 32, 42 ms); the seven (first token at
    // 36 ms) join at 42 ms and take 10 steps: done at 142 ms, 106 ms after their first token.
    expect(run({}, {}).lastDecodeS).toBeCloseTo(0.106, 6);
    // Four at a time: three join at 42 ms (done 142), one when the first finishes (112 → 212), the
    // last three when those three finish (142 → 242 ms): 206 ms after their first token.
    expect(run({}, { maxBatchTokens: 4 }).lastDecodeS).toBeCloseTo(0.206, 6);
  });
});
