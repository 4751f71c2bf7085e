import { describe, expect, it } from "vitest";
import { requestJsonLine } from "./result-csv.ts";
import { simulateServing } from "./serving-engine.ts";
import type { RequestRecord } from "./simulation-result.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";

const model = () =>
  syntheticModel(
    {
      arrival: { kind: "poisson", ratePerS: 300 },
      promptTokens: { kind: "uniform", minTokens: 10, maxTokens: 3000 },
      outputTokens: { kind: "lognormal", meanTokens: 100, sigma: 1, minTokens: 1 },
      prefixSharing: { groups: 3, prefixTokens: 200, fraction: 0.7 },
    },
    {
      scheduler: { maxBatchSequences: 16, maxBatchTokens: 2048, admission: { maxQueuedRequests: 20 } },
      kvCache: { preemption: "recompute", blockTokens: 16 },
      prefixCache: { enabled: true, hbmFraction: 0.2 },
    },
    {
      colocated: {
        instances: 2,
        chipsPerInstance: 4,
        perf: syntheticPerformance({ kvCacheCapacityTokens: 8000, meanTokensPerDecodeStep: 1.7 }),
      },
    },
  );

describe("request outcomes: kept or streamed", () => {
  it("streaming gives the same records (completion order, id = arrival order) and the same summary", () => {
    const kept = simulateServing(model(), { requests: 2000, seed: 4 });
    const streamed: RequestRecord[] = [];
    const result = simulateServing(model(), { requests: 2000, seed: 4, onRequest: (r) => streamed.push(r) });
    expect(result.requests).toBeUndefined();
    expect(JSON.stringify(result.summary)).toBe(JSON.stringify(kept.summary));
    expect(kept.summary.requests.dropped).toBeGreaterThan(0);
    expect(streamed).toHaveLength(2000);
    const finishOrder = streamed.map((r) => r.id);
    expect(finishOrder).not.toEqual([...finishOrder].sort((a, b) => a - b));
    const r = kept.requests;
    if (r === undefined) throw new Error("records were not kept");
    for (const s of [...streamed].sort((a, b) => a.id - b.id)) {
      const id = s.id;
      expect(s).toEqual({
        id,
        arrivalS: r.arrivalS[id],
        promptTokens: r.promptTokens[id],
        outputTokens: r.outputTokens[id],
        cachedTokens: r.cachedTokens[id],
        priority: r.priority[id],
        ttftS: r.ttftS[id],
        e2eS: r.e2eS[id],
        prefillInstance: r.prefillInstance[id],
        decodeInstance: r.decodeInstance[id],
        preemptions: r.preemptions[id],
        dropReason: r.dropReason[id],
      });
    }
    // The hand-written JSON line is exactly JSON.stringify's text.
    for (const s of streamed) expect(requestJsonLine(s)).toBe(JSON.stringify(s));
  });
});
