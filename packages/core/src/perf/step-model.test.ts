import { describe, expect, it } from "vitest";
import { rankMemory } from "../deploy/memory.ts";
import { isSupernodeError } from "../spec/errors.ts";
import { estimate } from "./step-estimate.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { stepContext, stepTime } from "./step-model.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const CM_DECODE = "cloudmatrix384-deepseek-r1-decode";
const CM_PREFILL = "cloudmatrix384-deepseek-r1-prefill";

describe("step model — CloudMatrix384 decode reference", () => {
  const e = estimate(referenceScenario(CM_DECODE));
  const d = e.decode;

  it("reports TPOT and throughput consistent with the step time and MTP", () => {
    expect(d).toBeDefined();
    if (d === undefined) return;
    expect(d.tokensPerStepPerSequence).toBeCloseTo(1.7, 10);
    expect(d.tpotS).toBeCloseTo(d.step.stepS / 1.7, 12);
    expect(d.tokensPerSPerChip).toBeCloseTo((96 * 1.7) / d.step.stepS, 6);
    expect(d.tokensPerSPerInstance).toBeCloseTo(d.tokensPerSPerChip * 160, 6);
    const s = d.step;
    expect(s.stepS).toBeCloseTo(
      s.layersS + s.pipelineFillS + s.headS + s.samplingS + s.mtpS + s.graphLaunchS,
      12,
    );
  });

  it("per-microbatch stream times are consistent with the published ~600 µs (hardware.md §2.6)", () => {
    const moe = d?.step.layers.find((l) => l.kind === "moe");
    const streams = moe?.timing.streams ?? [];
    expect(streams.map((s) => s.name)).toEqual(["attention", "moe"]);
    for (const s of streams) {
      // Within a factor 1.5 of ~600 µs: a consistency check, not a fit.
      expect(s.timeS).toBeGreaterThan(400e-6);
      expect(s.timeS).toBeLessThan(900e-6);
    }
    // Two microbatches: the layer takes twice the longer stream.
    const longest = Math.max(...streams.map((s) => s.timeS));
    expect(moe?.timing.layerS).toBeCloseTo(2 * longest + 2 * (moe?.timing.serialS ?? 0), 12);
    // One graph launch of 0.6–0.8 ms per step (pipelined MTP), from record cm384-083.
    expect(d?.step.graphLaunches).toBe(1);
    expect(d?.step.graphLaunchS).toBeGreaterThanOrEqual(0.6e-3);
    expect(d?.step.graphLaunchS).toBeLessThanOrEqual(0.8e-3);
  });

  it("memory per die matches the published communication buffers (≈645 MB, hardware.md §2.6) and fits", () => {
    const m = d?.memory.perRank;
    expect(m).toBeDefined();
    if (m === undefined) return;
    // 320 × 96 tokens × (7,168 + 224 scale bytes) + 320 × 96 × 14,336 B
    expect(m.communicationBuffersBytes / 1e6).toBeGreaterThan(600);
    expect(m.communicationBuffersBytes / 1e6).toBeLessThan(700);
    expect(m.totalBytes).toBeLessThan(m.capacityBytes);
    expect(m.kvCacheBytes).toBeCloseTo(48 * 4096 * 62 * 576 * 2, -3);
  });

  it("flags nothing as defaulted on a chip with microbenchmarks", () => {
    expect(e.defaulted).toEqual([]);
  });
});

describe("step model — mechanisms", () => {
  it("decode step time grows with batch and KV length", () => {
    const ctx = stepContext(
      referenceScenario(CM_DECODE),
      must(referenceScenario(CM_DECODE).deployment.decode),
    );
    let previous = 0;
    for (const batch of [3200, 6400, 12800, 15360]) {
      const t = stepTime(ctx, { phase: "decode", sequences: batch, kvTokens: batch * 4096 }).stepS;
      expect(t).toBeGreaterThan(previous);
      previous = t;
    }
    const short = stepTime(ctx, { phase: "decode", sequences: 15360, kvTokens: 15360 * 1024 }).stepS;
    expect(short).toBeLessThan(previous);
  });

  it("expert imbalance slows the step; balanced routing is fastest", () => {
    const balanced = must(
      estimate(referenceScenario(CM_PREFILL, "deployment.prefill.expertImbalance=balanced")).prefill,
    );
    const random = must(estimate(referenceScenario(CM_PREFILL)).prefill);
    const skewed = must(
      estimate(referenceScenario(CM_PREFILL, "deployment.prefill.expertImbalance=2")).prefill,
    );
    expect(balanced.step.imbalance.factor).toBe(1);
    expect(random.step.imbalance.factor).toBeGreaterThan(1);
    expect(skewed.step.stepS).toBeGreaterThan(random.step.stepS);
    expect(random.step.stepS).toBeGreaterThanOrEqual(balanced.step.stepS);
  });

  it("without overlap a layer is the sum of its items", () => {
    const e = must(
      estimate(referenceScenario(CM_DECODE, "deployment.decode.microbatchOverlap=false")).decode,
    );
    for (const l of e.step.layers) {
      const sum = l.timing.items.reduce((a, i) => a + i.timeS, 0);
      expect(l.timing.layerS).toBeCloseTo(sum, 12);
      expect(l.timing.streams).toBeUndefined();
    }
  });

  it("non-pipelined MTP launches 1 + draft graphs per step", () => {
    const e = must(estimate(referenceScenario(CM_DECODE, "deployment.decode.mtp.pipelined=false")).decode);
    expect(e.step.graphLaunches).toBe(2);
  });

  it("a deployment that does not fit says what it needs and what it has", () => {
    try {
      estimate(referenceScenario(CM_DECODE, "deployment.decode.batchPerChip=640"));
      expect.unreachable();
    } catch (error) {
      expect(isSupernodeError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(
        /does not fit: each die needs [\d.]+ GB .* has 64\.0 GB of HBM: [\d.]+ GB short/,
      );
    }
  });

  it("prefill TTFT is the iteration time and throughput is tokens per chip over it", () => {
    const p = must(estimate(referenceScenario(CM_PREFILL)).prefill);
    expect(p.ttftS).toBe(p.step.stepS);
    expect(p.tokensPerSPerChip).toBeCloseTo(16384 / p.step.stepS, 6);
  });

  it("weights per rank: experts by slot, attention replicated under DP", () => {
    const s = referenceScenario(CM_PREFILL);
    const plan = must(s.deployment.prefill);
    const m = rankMemory(s.model, s.precision, plan, 64e9);
    // 9 routed/redundant expert slots per die + 1 shared on every die, 61-3 MoE layers (+1 MTP).
    expect(plan.moe?.slotsPerRank).toBe(9);
    expect(m.weightsByComponent["routed-experts"]).toBeGreaterThan(9 * 58 * 3 * 7168 * 2048 * 0.99);
    expect(m.weightsByComponent["routed-experts"]).toBeLessThan(9 * 58 * 3 * 7168 * 2048 * 1.01);
  });
});

describe("instancePerformance", () => {
  const s = referenceScenario(CM_DECODE);
  const perf = instancePerformance(s, "decode");
  const e = must(estimate(s).decode);

  it("agrees with estimate() at the operating point", () => {
    const t = perf.decodeStepS({ sequences: 96 * 160, kvTokens: 96 * 160 * 4096 });
    // The grid points around it straddle a step of the hottest expert's GEMM (one more 128-row tile
    // under measured skew, ≈ +5 %): interpolation is within 2 % here, 1 % between smooth points.
    expect(Math.abs(t - e.step.stepS) / e.step.stepS).toBeLessThan(0.02);
    expect(perf.chips).toBe(160);
    expect(perf.meanTokensPerDecodeStep).toBeCloseTo(1.7, 10);
  });

  it("holds at least the operating point's KV cache", () => {
    expect(perf.kvCacheCapacityTokens).toBeGreaterThanOrEqual(96 * 160 * 4096);
    expect(perf.kvBytesPerToken).toBe(62 * 576 * 2);
  });

  it("interpolates within 1 % of the full step model between grid points", () => {
    const ctx = stepContext(s, must(s.deployment.decode));
    for (const [seqs, kv] of [
      [777, 3333],
      [5000, 1000],
      [12345, 4100],
      [30, 700],
    ] as const) {
      const exact = stepTime(ctx, { phase: "decode", sequences: seqs, kvTokens: seqs * kv }).stepS;
      const fast = perf.decodeStepS({ sequences: seqs, kvTokens: seqs * kv });
      expect(Math.abs(fast - exact) / exact, `${seqs}×${kv}`).toBeLessThan(0.01);
    }
  });

  it("is memoised: repeated batches are fast", () => {
    perf.decodeStepS({ sequences: 1000, kvTokens: 1000 * 3000 });
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) perf.decodeStepS({ sequences: 1000, kvTokens: 1000 * 3000 + (i % 8) });
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("prefill interpolation stays within 1.5 % of the full step model", () => {
    const sp = referenceScenario(CM_PREFILL);
    const fast = instancePerformance(sp, "prefill");
    const ctx = stepContext(sp, must(sp.deployment.prefill));
    for (const [tokens, prompt] of [
      [100000, 4096],
      [50000, 1500],
    ] as const) {
      const batch = {
        sequences: tokens / prompt,
        newTokens: tokens,
        attendedTokenPairs: ((tokens / prompt) * prompt * (prompt + 1)) / 2,
      };
      const exact = stepTime(ctx, { phase: "prefill", ...batch }).stepS;
      expect(Math.abs(fast.prefillStepS(batch) - exact) / exact).toBeLessThan(0.015);
    }
  });

  it("prefill step time grows with tokens", () => {
    const p = instancePerformance(referenceScenario(CM_PREFILL), "prefill");
    const a = p.prefillStepS({ sequences: 4, newTokens: 16384, attendedTokenPairs: 16384 * 2048 });
    const b = p.prefillStepS({ sequences: 8, newTokens: 32768, attendedTokenPairs: 32768 * 2048 });
    expect(b).toBeGreaterThan(a);
    expect(() => instancePerformance(s, "prefill")).toThrow(/has no prefill group/);
  });
});
