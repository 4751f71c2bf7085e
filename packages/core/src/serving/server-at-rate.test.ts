import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { SupernodeError } from "../spec/errors.ts";
import { serverRunAtRate } from "./server-at-rate.ts";
import { serverRun } from "./server-rate.ts";
import { servingModelOf } from "./simulate.ts";

/** Llama-2-7B on one A100 (server-rate.test.ts's scenario), short answers so that each run is quick. */
const SCENARIO = `
name: server-at-rate test
system: hgx-a100
model: llama-2-7b
precision: { weights: fp16, activations: fp16, kvCache: fp16, attention: fp16 }
deployment:
  colocated:
    chipsPerInstance: 1
    attention: { tp: 1 }
    denseFfn: { tp: 1 }
    batchPerChip: 48
    kvLength: 1200
    tokensPerChip: 512
    promptLength: 1024
workload:
  arrival: { kind: poisson, ratePerS: 1 }
  promptTokens: { kind: uniform, minTokens: 256, maxTokens: 1792 }
  outputTokens: { kind: uniform, minTokens: 16, maxTokens: 336 }
  requests: 600
serving:
  scheduler: { maxBatchTokens: 512, chunkedPrefill: true }
`;

describe("serverRunAtRate", () => {
  const scenario = parseScenario(SCENARIO, "server-at-rate.yaml");

  it("plays the submitted system's rate on the chips the scenario deploys, for the submission's queries", () => {
    // 8 chips offered 16 queries/s: the one-chip scenario plays 2 /s; 4,000 queries over 8 chips are
    // 500 here, below 600 s × 2 /s, so the run lasts 1,200 queries.
    const run = serverRunAtRate(scenario, { queriesPerS: 16, chips: 8, queries: 4000 });
    expect(run.ratePerS).toBe(2);
    expect(run.requests).toBe(1200);
    // 80,000 queries over 8 chips: 10,000 here, above 600 s of arrivals.
    expect(serverRunAtRate(scenario, { queriesPerS: 16, chips: 8, queries: 80_000 }).requests).toBe(10_000);
    // Without a count, the workload's 600 requests or 600 s of arrivals.
    expect(serverRunAtRate(scenario, { queriesPerS: 0.5, chips: 1 }).requests).toBe(600);
  });

  it("is the Server search's run at that rate, played to the end whatever the latencies", () => {
    const base = servingModelOf(scenario);
    const at = serverRunAtRate(scenario, { queriesPerS: 4, chips: 1 });
    const same = serverRun(base, 4, { percentile: 0.99, ttftS: Infinity, tpotS: Infinity }, 2400);
    expect(at.ttftS).toBe(same.ttftS);
    expect(at.tpotS).toBe(same.tpotS);
    expect(at.stoppedEarly).toBe(false);
    // Ten times that rate the queue grows through the run, and the run still
    // reports its percentiles instead of stopping at a limit.
    const over = serverRunAtRate(scenario, { queriesPerS: 40, chips: 1 });
    expect(over.stoppedEarly).toBe(false);
    expect(over.ttftS).toBeGreaterThan(10 * at.ttftS);
  });

  it("p99 TPOT grows with the offered rate (more sequences share each step)", () => {
    const light = serverRunAtRate(scenario, { queriesPerS: 1, chips: 1 });
    const busy = serverRunAtRate(scenario, { queriesPerS: 6, chips: 1 });
    expect(busy.tpotS).toBeGreaterThan(light.tpotS);
    expect(light.tpotS).toBeGreaterThan(0);
  });

  it("names the bad field", () => {
    expect(() => serverRunAtRate(scenario, { queriesPerS: 0, chips: 8 })).toThrow(
      /queriesPerS must be a positive/,
    );
    expect(() => serverRunAtRate(scenario, { queriesPerS: 1, chips: 1.5 })).toThrow(
      /chips must be a positive whole/,
    );
    expect(() => serverRunAtRate(scenario, { queriesPerS: 1, chips: 8, queries: -1 })).toThrow(
      SupernodeError,
    );
  });
});
