import { describe, expect, it } from "vitest";
import { simulateServing } from "./serving-engine.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens }) as const;
const KV_BYTES = 70_000;

/** One colocated instance, every request shares one 3,600-token prefix of a 4,000-token prompt. */
function run(pathBytesPerS: number, scheduler: unknown = {}, ratePerS = 0.5, requests = 40) {
  const perf = syntheticPerformance({ kvBytesPerToken: KV_BYTES, chips: 8 });
  const model = syntheticModel(
    {
      arrival: { kind: "poisson", ratePerS },
      promptTokens: fixed(4000),
      outputTokens: fixed(2),
      prefixSharing: { groups: 1, prefixTokens: 3600 },
    },
    { scheduler, prefixCache: { enabled: true, hbmFraction: 1e-6, pooledTier: { enabled: true } } },
    {
      colocated: { instances: 1, chipsPerInstance: 8, perf },
      pooledTier: {
        transfer: linkTransferModel(pathBytesPerS, 5e-6, "pool"),
        capacityTokens: 1_000_000,
      },
    },
  );
  return { result: simulateServing(model, { requests, seed: 4 }), perf };
}

describe("prefix fetch from the pooled tier", () => {
  it("is on the critical path: at low load a hit's TTFT = fetch over the path + prefill of the rest", () => {
    const { result, perf } = run(50e9);
    const r = result.requests;
    if (r === undefined) throw new Error("records expected");
    // the first request misses (it fills the pool); later ones hit and run alone (low load)
    const fetchS = 5e-6 + (3600 * KV_BYTES) / 50e9;
    const rest = perf.prefillStepS({
      sequences: 1,
      newTokens: 400,
      attendedTokenPairs: 400 * (3600 + 200.5),
      contextTokens: 3600,
    });
    const hits = r.ttftS.slice(5, 15) as number[];
    for (const t of hits) expect(t).toBeCloseTo(fetchS + rest, 6);
  });

  it("a slower path (VPC-like) lowers throughput and raises TTFT under load", () => {
    const fast = run(400e9, {}, 40, 400).result.summary;
    const slow = run(12.5e9, {}, 40, 400).result.summary;
    expect(slow.ttftS.p50).toBeGreaterThan(1.5 * fast.ttftS.p50);
    expect(slow.throughput.inputTokensPerS).toBeLessThan(fast.throughput.inputTokensPerS);
  });

  it("budgetCountsCachedTokens charges the cached prefix to the batch budget", () => {
    const median = (scheduler: object) => {
      const t = run(400e9, { maxBatchTokens: 8192, ...scheduler }, 200, 300).result.trace;
      const sizes: number[] = [];
      for (let i = 0; i < t.kind.length; i++) if (t.kind[i] !== "decode") sizes.push(t.newTokens[i] ?? 0);
      sizes.sort((a, b) => a - b);
      return sizes[Math.floor(sizes.length / 2)] ?? 0;
    };
    // 400 new tokens per hit: two requests fill 8,192 with their prefixes counted, twenty without
    // (the median iteration: the first requests miss while the pool is still empty)
    expect(median({ budgetCountsCachedTokens: true })).toBeLessThanOrEqual(800);
    expect(median({ budgetCountsCachedTokens: false })).toBeGreaterThan(4000);
  });
});
