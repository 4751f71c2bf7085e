import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toChromeTrace } from "./chrome-trace.ts";
import { requestsToCsv, timeSeriesToCsv } from "./result-csv.ts";
import { simulateServing } from "./serving-engine.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens });

describe("serving engine: accounting", () => {
  it("every request completes or is dropped with a reason, for any configuration", () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 1000 }),
          rate: fc.double({ min: 1, max: 400, noNaN: true }),
          colocated: fc.boolean(),
          router: fc.constantFrom("round-robin", "least-outstanding", "cache-aware"),
          chunked: fc.boolean(),
          preemption: fc.constantFrom("recompute", "swap"),
          capacity: fc.integer({ min: 3000, max: 60_000 }),
          maxQueued: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
          maxDelay: fc.option(fc.double({ min: 0.05, max: 2, noNaN: true }), { nil: undefined }),
          prefix: fc.boolean(),
          mtp: fc.constantFrom(1, 1.7, 2.5),
          policy: fc.constantFrom("fcfs", "priority"),
          arrival: fc.constantFrom("poisson", "gamma", "closed-loop"),
        }),
        (c) => {
          const perf = syntheticPerformance({
            kvCacheCapacityTokens: c.capacity,
            meanTokensPerDecodeStep: c.mtp,
          });
          const pools = c.colocated
            ? { colocated: { instances: 2, chipsPerInstance: 4, perf } }
            : {
                prefill: { instances: 2, chipsPerInstance: 4, perf },
                decode: { instances: 1, chipsPerInstance: 8, perf },
                kvTransfer: linkTransferModel(50e9, 1e-5, "test link"),
                swap: linkTransferModel(50e9, 1e-5, "swap"),
              };
          const model = syntheticModel(
            {
              arrival:
                c.arrival === "closed-loop"
                  ? { kind: "closed-loop", concurrency: Math.ceil(c.rate / 4), thinkTimeS: 0.1 }
                  : c.arrival === "gamma"
                    ? { kind: "gamma", ratePerS: c.rate, burstiness: 4 }
                    : { kind: "poisson", ratePerS: c.rate },
              promptTokens: { kind: "uniform", minTokens: 10, maxTokens: 3000 },
              outputTokens: { kind: "lognormal", meanTokens: 100, sigma: 1, minTokens: 1 },
              prefixSharing: c.prefix ? { groups: 3, prefixTokens: 200, fraction: 0.7 } : undefined,
              priorityClasses: [
                { name: "high", priority: 0, weight: 1 },
                { name: "low", priority: 1, weight: 3 },
              ],
            },
            {
              router: c.router,
              scheduler: {
                maxBatchSequences: 16,
                maxBatchTokens: 2048,
                chunkedPrefill: c.chunked,
                policy: c.policy,
                admission: { maxQueuedRequests: c.maxQueued, maxQueueDelayS: c.maxDelay },
              },
              kvCache: { preemption: c.preemption, blockTokens: 16 },
              prefixCache: { enabled: c.prefix, hbmFraction: 0.2 },
            },
            pools,
          );
          const result = simulateServing(model, { requests: 300, seed: c.seed });
          const s = result.summary.requests;
          expect(s.arrived).toBe(300);
          const reasons = Object.values(s.droppedByReason).reduce((a, b) => a + b, 0);
          expect(s.completed + reasons).toBe(300);
          expect(s.dropped).toBe(reasons);
          const records = result.requests;
          expect(records).toBeDefined();
          for (let id = 0; id < 300; id++) {
            const completed = records?.e2eS[id] !== null;
            expect(completed).toBe(records?.dropReason[id] === "");
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("drops requests that cannot fit in the KV cache and those over the queue limit, with reasons", () => {
    const perf = syntheticPerformance({ kvCacheCapacityTokens: 2000 });
    const model = syntheticModel(
      {
        arrival: { kind: "poisson", ratePerS: 1000 },
        promptTokens: { kind: "uniform", minTokens: 100, maxTokens: 3000 },
        outputTokens: fixed(10),
      },
      { scheduler: { maxBatchSequences: 4, admission: { maxQueuedRequests: 5 } } },
      { colocated: { instances: 1, chipsPerInstance: 1, perf } },
    );
    const result = simulateServing(model, { requests: 500, seed: 2 });
    expect(result.summary.requests.droppedByReason["exceeds-kv-capacity"]).toBeGreaterThan(100);
    expect(result.summary.requests.droppedByReason["queue-full"]).toBeGreaterThan(10);
    expect(result.summary.requests.completed).toBeGreaterThan(0);
  });
});

describe("serving engine: determinism and conservation laws", () => {
  const model = syntheticModel(
    {
      arrival: { kind: "gamma", ratePerS: 60, burstiness: 3 },
      promptTokens: { kind: "lognormal", meanTokens: 800, sigma: 0.7 },
      outputTokens: { kind: "uniform", minTokens: 1, maxTokens: 300 },
      prefixSharing: { groups: 5, prefixTokens: 300, fraction: 0.5, popularity: "zipf" },
    },
    { router: "cache-aware", prefixCache: { enabled: true } },
    {
      prefill: { instances: 3, chipsPerInstance: 8, perf: syntheticPerformance() },
      decode: {
        instances: 2,
        chipsPerInstance: 8,
        perf: syntheticPerformance({ meanTokensPerDecodeStep: 1.7 }),
      },
      kvTransfer: linkTransferModel(50e9, 1e-5, "test link"),
    },
  );

  it("the same seed gives byte-identical JSON; another seed differs", () => {
    const a = JSON.stringify(simulateServing(model, { requests: 2000, seed: 11 }));
    const b = JSON.stringify(simulateServing(model, { requests: 2000, seed: 11 }));
    const c = JSON.stringify(simulateServing(model, { requests: 2000, seed: 12 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("Little's law holds on the outputs: mean in system = departure rate × mean sojourn", () => {
    const { littlesLaw, requests } = simulateServing(model, { requests: 3000, seed: 5 }).summary;
    expect(requests.completed).toBe(3000);
    const lambdaW = littlesLaw.departuresPerS * littlesLaw.meanSojournS;
    expect(Math.abs(littlesLaw.meanInSystem - lambdaW) / lambdaW).toBeLessThan(1e-9);
  });

  it("Little's law also holds against the sampled in-system series", () => {
    const result = simulateServing(model, { requests: 3000, seed: 6 });
    const series = result.timeSeries;
    const sampledMean = series.inSystem.reduce((a, b) => a + b, 0) / series.inSystem.length;
    const lambdaW = result.summary.littlesLaw.departuresPerS * result.summary.littlesLaw.meanSojournS;
    expect(Math.abs(sampledMean - lambdaW) / lambdaW).toBeLessThan(0.05);
  });
});

describe("serving engine: priorities and outputs", () => {
  it("under the priority policy, the high-priority class waits less than under FCFS", () => {
    const model = syntheticModel(
      {
        arrival: { kind: "poisson", ratePerS: 50 },
        promptTokens: fixed(2000),
        outputTokens: fixed(10),
        priorityClasses: [
          { name: "interactive", priority: 0, weight: 1 },
          { name: "batch", priority: 5, weight: 3 },
        ],
      },
      { scheduler: { policy: "priority", maxBatchTokens: 4096 } },
      {
        colocated: {
          instances: 1,
          chipsPerInstance: 8,
          perf: syntheticPerformance({ prefillPerTokenS: 6e-6 }),
        },
      },
    );
    const meanTtft = (policy: "priority" | "fcfs", priority: number) => {
      const serving = { ...model.serving, scheduler: { ...model.serving.scheduler, policy } };
      const r = simulateServing({ ...model, serving }, { requests: 3000, seed: 8 }).requests;
      if (r === undefined) throw new Error("records expected");
      const values = r.ttftS.filter((t, id) => t !== null && r.priority[id] === priority) as number[];
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    expect(meanTtft("priority", 0)).toBeLessThan(0.8 * meanTtft("fcfs", 0));
    expect(meanTtft("priority", 5)).toBeGreaterThan(meanTtft("priority", 0));
  });

  it("the Chrome trace has a span per iteration and the CSV a row per request", () => {
    const model = syntheticModel(
      { arrival: { kind: "poisson", ratePerS: 30 }, promptTokens: fixed(500), outputTokens: fixed(40) },
      {},
      {
        prefill: { instances: 1, chipsPerInstance: 8, perf: syntheticPerformance() },
        decode: { instances: 1, chipsPerInstance: 8, perf: syntheticPerformance() },
        kvTransfer: linkTransferModel(50e9, 1e-5, "test link"),
      },
    );
    const result = simulateServing(model, { requests: 200, seed: 1 });
    const trace = toChromeTrace(result);
    const spans = trace.traceEvents.filter((e) => e.ph === "X");
    expect(spans.length).toBe(result.summary.engine.iterations);
    expect(spans.every((e) => (e.dur ?? -1) >= 0 && (e.ts ?? -1) >= 0)).toBe(true);
    const csv = requestsToCsv(result).trim().split("\n");
    expect(csv.length).toBe(201);
    expect(timeSeriesToCsv(result).split("\n")[0]).toBe(
      "timeS,waitingPrefill,waitingDecode,running,inSystem,kvUsePrefill,kvUseDecode",
    );
  });
});
