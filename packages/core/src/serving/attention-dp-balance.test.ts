import { describe, expect, it } from "vitest";
import { AttentionDpBalance, type AttentionDpBalanceState } from "./attention-dp-balance.ts";
import { simulateServing } from "./serving-engine.ts";
import type { ServingInstance } from "./serving-instance.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";

/** The fields the rule reads, as a plain object. */
function instanceWith(waitingCount: number, decoding: number, maxSequences = 4096): ServingInstance {
  return { active: [], waitingCount, decoding, maxSequences } as unknown as ServingInstance;
}
const fresh = (): AttentionDpBalanceState => ({
  waitingIterations: 0,
  batchingIterations: 0,
  batchingHold: false,
});

describe("AttentionDpBalance (TensorRT-LLM _balance_adp_requests)", () => {
  const balance = new AttentionDpBalance({ timeoutIterations: 9, batchingWaitIterations: 3 });

  it("holds a prompt that not every rank has until the iteration counter reaches the timeout", () => {
    const state = fresh();
    // one waiting prompt, 8 ranks generating: held for the 8 iterations left to the timeout
    expect(balance.decide(instanceWith(1, 1200), state, 8)).toBe(8);
    balance.advance(state, 8); // the window ran its 8 iterations
    expect(state.waitingIterations).toBe(8);
    expect(balance.decide(instanceWith(1, 1200), state, 8)).toBe(0); // the 9th: released, counter reset
    expect(state.waitingIterations).toBe(0);
  });

  it("runs the counter whether or not prompts wait, so a prompt arriving mid-cycle waits less", () => {
    const state = fresh();
    expect(balance.decide(instanceWith(0, 1200), state, 8)).toBe(0); // nothing to hold; counted
    balance.advance(state, 5); // a decode window of 5 iterations
    expect(state.waitingIterations).toBe(5);
    expect(balance.decide(instanceWith(1, 1200), state, 8)).toBe(3);
    balance.advance(state, 30); // long windows wrap around the timeout
    expect(state.waitingIterations).toBeLessThan(9);
  });

  it("when every rank has a prompt, waits the batching iterations, then admits", () => {
    const state = fresh();
    expect(balance.decide(instanceWith(8, 1200), state, 8)).toBe(3);
    balance.advance(state, 3);
    expect(state.batchingIterations).toBe(3);
    expect(balance.decide(instanceWith(9, 1200), state, 8)).toBe(0);
    expect(state.batchingIterations).toBe(0);
  });

  it("admits at once when some rank has nothing to generate", () => {
    expect(balance.decide(instanceWith(1, 3), fresh(), 8)).toBe(0);
    expect(balance.decide(instanceWith(8, 0), fresh(), 8)).toBe(0);
    // every rank has a prompt but not every rank generates: admitted, the batching counter kept
    const state = { ...fresh(), batchingIterations: 2 };
    expect(balance.decide(instanceWith(8, 3), state, 8)).toBe(0);
    expect(state.batchingIterations).toBe(2);
  });

  it("does not count a rank without a free slot as ready: the timeout applies", () => {
    expect(balance.decide(instanceWith(100, 4094), fresh(), 8)).toBe(8);
  });
});

describe("attention-DP balancing in the serving simulator", () => {
  const workload = {
    arrival: { kind: "poisson", ratePerS: 20 },
    promptTokens: { kind: "fixed", tokens: 500 },
    outputTokens: { kind: "fixed", tokens: 400 },
  };
  const perf = { ...syntheticPerformance(), attentionDpRanks: 8 };
  const run = (serving: unknown) =>
    simulateServing(
      syntheticModel(workload, serving, { colocated: { instances: 1, chipsPerInstance: 8, perf } }),
      { requests: 1500, seed: 3 },
    ).summary;
  const scheduler = { maxBatchTokens: 8192, chunkedPrefill: false, mixWithDecode: true };

  it("holds prompts back: TTFT grows by iterations of the hold, every request still completes", () => {
    const off = run({ scheduler });
    const on = run({
      scheduler: { ...scheduler, attentionDpBalance: { timeoutIterations: 9, batchingWaitIterations: 3 } },
    });
    expect(on.requests.completed).toBe(1500);
    expect(off.requests.completed).toBe(1500);
    // a decode step here is ≈ 20-25 ms: the hold adds a few iterations on average
    expect(on.ttftS.mean - off.ttftS.mean).toBeGreaterThan(0.03);
    expect(on.ttftS.mean - off.ttftS.mean).toBeLessThan(9 * 0.05);
  });

  it("is ignored without attention DP", () => {
    const plain = syntheticPerformance();
    const model = (serving: unknown) =>
      syntheticModel(workload, serving, { colocated: { instances: 1, chipsPerInstance: 8, perf: plain } });
    const a = JSON.stringify(simulateServing(model({ scheduler }), { requests: 500, seed: 4 }).summary);
    const balanced = {
      scheduler: { ...scheduler, attentionDpBalance: { timeoutIterations: 9, batchingWaitIterations: 3 } },
    };
    const b = JSON.stringify(simulateServing(model(balanced), { requests: 500, seed: 4 }).summary);
    expect(b).toBe(a);
  });
});
