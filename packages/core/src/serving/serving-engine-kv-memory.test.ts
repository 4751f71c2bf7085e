// The serving simulator's KV memory: the prefix cache and its pooled tier, and preemption when the
// KV cache fills (split from serving-engine.test.ts: accounting, determinism, priorities, outputs).
import { describe, expect, it } from "vitest";
import { simulateServing } from "./serving-engine.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens });

describe("serving engine: prefix cache and pooled tier", () => {
  const prompt = 2000;
  const prefix = 1500;
  const run = (prefixCache: unknown, groups: number) =>
    simulateServing(
      syntheticModel(
        {
          arrival: { kind: "poisson", ratePerS: 20 },
          promptTokens: fixed(prompt),
          outputTokens: fixed(20),
          prefixSharing: { groups, prefixTokens: prefix },
        },
        { router: "cache-aware", prefixCache },
        {
          colocated: {
            instances: 2,
            chipsPerInstance: 8,
            perf: syntheticPerformance({ kvCacheCapacityTokens: 200_000 }),
          },
          pooledTier: { transfer: linkTransferModel(100e9, 2e-6, "pool"), capacityTokens: 10_000_000 },
        },
      ),
      { requests: 4000, seed: 9 },
    ).summary;

  it("with prefix reuse, prefill work falls by the shared fraction of the prompt", () => {
    const off = run({ enabled: false }, 4);
    const on = run({ enabled: true, hbmFraction: 0.3 }, 4);
    expect(off.prefill.computedTokens).toBe(4000 * prompt);
    // Only each group's first request on each instance misses.
    const expected = 4000 * (prompt - prefix);
    expect(on.prefill.computedTokens / expected).toBeGreaterThan(0.99);
    expect(on.prefill.computedTokens / expected).toBeLessThan(1.02);
    expect(on.prefixCache.hitRate).toBeGreaterThan(0.99);
    expect(on.ttftS.mean).toBeLessThan(off.ttftS.mean);
  });

  it("when HBM holds only a few prefixes, the pooled tier serves the rest", () => {
    // 200 groups × 1500 tokens do not fit in 5 % of 200k tokens per instance; the pool holds them all.
    const hbmOnly = run({ enabled: true, hbmFraction: 0.05 }, 200);
    const pooled = run({ enabled: true, hbmFraction: 0.05, pooledTier: { enabled: true } }, 200);
    expect(hbmOnly.prefixCache.hitRate).toBeLessThan(0.2);
    expect(pooled.prefixCache.poolHitTokens).toBeGreaterThan(0);
    expect(pooled.prefixCache.hitRate).toBeGreaterThan(0.9);
    const saved = hbmOnly.prefill.computedTokens - pooled.prefill.computedTokens;
    expect(saved).toBe(
      pooled.prefixCache.poolHitTokens + pooled.prefixCache.hbmHitTokens - hbmOnly.prefixCache.hbmHitTokens,
    );
  });
});

describe("serving engine: preemption", () => {
  for (const preemption of ["recompute", "swap"] as const) {
    it(`${preemption}: sequences are preempted when the KV cache fills and all still complete`, () => {
      const model = syntheticModel(
        { arrival: { kind: "poisson", ratePerS: 50 }, promptTokens: fixed(500), outputTokens: fixed(1000) },
        { kvCache: { preemption, blockTokens: 16 }, scheduler: { maxBatchSequences: 64 } },
        {
          colocated: {
            instances: 1,
            chipsPerInstance: 8,
            perf: syntheticPerformance({ kvCacheCapacityTokens: 12_000 }),
          },
          swap: linkTransferModel(50e9, 1e-5, "swap"),
        },
      );
      const result = simulateServing(model, { requests: 200, seed: 4 });
      expect(result.summary.requests.completed).toBe(200);
      const count =
        preemption === "swap" ? result.summary.preemptions.swap : result.summary.preemptions.recompute;
      expect(count).toBeGreaterThan(0);
      for (const instance of result.instances) expect(instance.peakKvUse).toBeLessThanOrEqual(1 + 1e-9);
    });
  }
});
