// The serving simulator against the step model it runs: saturation throughput, low-load latency,
// the disaggregated KV transfer, one event per batch change (split from serving-engine.test.ts).
import { describe, expect, it } from "vitest";
import { simulateServing } from "./serving-engine.ts";
import { syntheticModel, syntheticPerformance } from "./test-support/synthetic-performance.ts";
import { linkTransferModel } from "./transfer-model.ts";

const fixed = (tokens: number) => ({ kind: "fixed", tokens });

describe("serving engine: agreement with the step model", () => {
  it("at saturation with fixed lengths, decode throughput converges to the step model's estimate (±5 %)", () => {
    const prompt = 1024;
    const output = 256;
    const batch = 64;
    const decodePerf = syntheticPerformance({ meanTokensPerDecodeStep: 1.7, decodePerKvTokenS: 5e-8 });
    const model = syntheticModel(
      {
        arrival: { kind: "closed-loop", concurrency: 4 * batch },
        promptTokens: fixed(prompt),
        outputTokens: fixed(output),
      },
      { scheduler: { maxBatchSequences: batch } },
      {
        prefill: { instances: 4, chipsPerInstance: 8, perf: syntheticPerformance() },
        decode: { instances: 1, chipsPerInstance: 8, perf: decodePerf },
        kvTransfer: linkTransferModel(50e9, 1e-5, "test link"),
      },
    );
    const result = simulateServing(model, { requests: 20_000, seed: 3 });
    // Step model: a full batch whose sequences are uniformly spread over their output.
    const step = decodePerf.decodeStepS({ sequences: batch, kvTokens: batch * (prompt + output / 2) });
    const expected = (batch * decodePerf.meanTokensPerDecodeStep) / step;
    const simulated = result.summary.throughput.outputTokensPerS;
    expect(Math.abs(simulated - expected) / expected).toBeLessThan(0.05);
  });

  it("at low load, TPOT is the step time of a batch of one and TTFT the prefill time", () => {
    const perf = syntheticPerformance({ decodePerKvTokenS: 0 });
    const model = syntheticModel(
      {
        arrival: { kind: "closed-loop", concurrency: 1 },
        promptTokens: fixed(1000),
        outputTokens: fixed(50),
      },
      { scheduler: { maxBatchTokens: 4096 } },
      { colocated: { instances: 1, chipsPerInstance: 8, perf } },
    );
    const result = simulateServing(model, { requests: 20, seed: 1 });
    const tpot = perf.decodeStepS({ sequences: 1, kvTokens: 0 });
    const ttft = perf.prefillStepS({ sequences: 1, newTokens: 1000, attendedTokenPairs: 1000 * 500.5 });
    expect(result.summary.tpotS.mean).toBeCloseTo(tpot, 9);
    expect(result.summary.ttftS.mean).toBeCloseTo(ttft, 9);
  });

  it("disaggregated at low load: the KV transfer is in TTFT (prefill + transfer), not in TPOT", () => {
    const perf = syntheticPerformance({ decodePerKvTokenS: 0 });
    const kvTransfer = linkTransferModel(1e9, 1e-3, "slow link"); // 70 MB of KV: ≈ 71 ms
    const model = syntheticModel(
      {
        arrival: { kind: "closed-loop", concurrency: 1 },
        promptTokens: fixed(1000),
        outputTokens: fixed(50),
      },
      { scheduler: { maxBatchTokens: 4096 } },
      {
        prefill: { instances: 1, chipsPerInstance: 8, perf },
        decode: { instances: 1, chipsPerInstance: 8, perf },
        kvTransfer,
      },
    );
    const result = simulateServing(model, { requests: 20, seed: 1 });
    const transfer = kvTransfer.transferS(1000 * perf.kvBytesPerToken);
    const prefill = perf.prefillStepS({ sequences: 1, newTokens: 1000, attendedTokenPairs: 1000 * 500.5 });
    const tpot = perf.decodeStepS({ sequences: 1, kvTokens: 0 });
    expect(transfer).toBeGreaterThan(tpot); // charged to TPOT it would double it
    expect(result.summary.ttftS.mean).toBeCloseTo(prefill + transfer, 9);
    expect(result.summary.tpotS.mean).toBeCloseTo(tpot, 9);
  });

  it("costs one event per batch change, not per token: events do not grow with output length", () => {
    const run = (output: number) =>
      simulateServing(
        syntheticModel(
          {
            arrival: { kind: "closed-loop", concurrency: 1 },
            promptTokens: fixed(100),
            outputTokens: fixed(output),
          },
          { sampleIntervalS: 1e9 },
          { colocated: { instances: 1, chipsPerInstance: 8, perf: syntheticPerformance() } },
        ),
        { requests: 500, seed: 1 },
      ).summary.engine;
    const short = run(100);
    const long = run(2000);
    // A batch of one: every token is a decode step, yet each request costs the same few events.
    expect(long.decodeSteps / short.decodeSteps).toBeGreaterThan(19);
    expect(long.events).toBe(short.events);
    expect(long.iterations).toBe(short.iterations);
  });
});
