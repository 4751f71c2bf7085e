import { describe, expect, it } from "vitest";
import type { EngineEvent, EngineEventKind } from "./engine-event.ts";
import { simulateServing } from "./serving-engine.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens });

describe("engine events", () => {
  for (const preemption of ["recompute", "swap"] as const) {
    it(`a listener sees what the summary counts (${preemption} preemption, shared prefixes)`, () => {
      const model = syntheticModel(
        {
          arrival: { kind: "poisson", ratePerS: 50 },
          promptTokens: fixed(500),
          outputTokens: fixed(1000),
          prefixSharing: { groups: 3, prefixTokens: 200, fraction: 0.7 },
        },
        {
          kvCache: { preemption, blockTokens: 16 },
          scheduler: { maxBatchSequences: 64 },
          prefixCache: { enabled: true, hbmFraction: 0.2 },
        },
        {
          colocated: {
            instances: 1,
            chipsPerInstance: 8,
            perf: syntheticPerformance({ kvCacheCapacityTokens: 12_000 }),
          },
          swap: linkTransferModel(50e9, 1e-5, "swap"),
        },
      );
      const counts = new Map<EngineEventKind, number>();
      const events: EngineEvent[] = [];
      const listener = {
        on(event: EngineEvent) {
          counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
          events.push(event);
        },
      };
      const result = simulateServing(model, { requests: 200, seed: 4, listeners: [listener] });
      const s = result.summary;
      expect(counts.get("arrival")).toBe(200);
      expect(counts.get("departure")).toBe(200);
      expect(counts.get("iteration")).toBe(s.engine.iterations);
      expect(counts.get("preemption")).toBe(s.preemptions[preemption]);
      expect(counts.get("preemption")).toBeGreaterThan(0);
      expect(counts.get("sample")).toBeGreaterThan(0);
      let admitted = 0;
      let eligible = 0;
      for (const event of events) {
        if (event.kind === "prefill-admitted") admitted += event.tokens;
        if (event.kind === "prefix-lookup") eligible += event.tokens;
      }
      expect(admitted).toBe(s.prefill.requestedTokens);
      expect(eligible).toBe(s.prefixCache.eligibleTokens);
      expect(eligible).toBeGreaterThan(0);
      // events come in time order
      const times = events.flatMap((e) => ("timeS" in e ? [e.timeS] : []));
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    });
  }
});
