import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/index.ts";
import { hostIterationS, hostTiming, layerLaunchS } from "./host-time.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const qwen = () => referenceScenario("trtllm-qwen3-30b-a3b-fp4-offline");
const plan = (s: Scenario) => must(s.deployment.colocated);
const NO_LAUNCH = {
  perLayerS: 0,
  perLayerDeviceS: 0,
  decodeFullGraph: true,
  chunkedAttentionDecodeFullGraph: true,
} as const;
const hostOf = (s: Scenario) => must(s.engine?.hostTimeFor("NVIDIA", false));

describe("engine host time per iteration", () => {
  it("is the engine's per-sequence time times the sequences of one executor (TensorRT-LLM 1.0)", () => {
    const s = qwen();
    const perSeq = hostOf(s).perSequenceS;
    expect(perSeq).toBeGreaterThan(0);
    expect(hostIterationS(s, plan(s), 1000)).toBeCloseTo(1000 * perSeq, 12);
    // Each attention-DP rank runs its own executor loop on its share of the sequences, at the
    // engine's attention-DP figure (PR 10273's ADP2 measurement for TensorRT-LLM), not the one-rank one.
    const perSeqDp = hostOf(s).perSequenceAttentionDpS;
    expect(perSeqDp).toBeCloseTo(29e-6, 12);
    expect(perSeqDp).toBeGreaterThan(perSeq);
    const dp4 = { ...plan(s), attention: { ...plan(s).attention, dp: 4 } };
    expect(hostIterationS(s, dp4, 1000)).toBeCloseTo(250 * perSeqDp, 12);
  });

  it("falls back to the one-rank per-sequence figure where the engine records no attention-DP one", () => {
    // vLLM's engine file records perSequenceUs only: its attention-DP ranks resolve to the same figure.
    const s = referenceScenario("mlenergy-llama-3.1-8b-h100-chat");
    const host = hostOf(s);
    expect(host.perSequenceS).toBeGreaterThan(0);
    expect(host.perSequenceAttentionDpS).toBe(host.perSequenceS);
    const dp2 = { ...plan(s), attention: { ...plan(s).attention, dp: 2 } };
    expect(hostIterationS(s, dp2, 1000)).toBeCloseTo(500 * host.perSequenceS + host.perIterationS, 12);
  });

  it("overlaps the GPU: the iteration waits only for the host time beyond the GPU's", () => {
    const s = qwen();
    const host = hostIterationS(s, plan(s), 1000);
    expect(hostTiming(s, plan(s), 1000, host * 2).waitS).toBe(0);
    expect(hostTiming(s, plan(s), 1000, host / 2).waitS).toBeCloseTo(host / 2, 12);
  });

  it("adds in full without an overlap scheduler, and is absent for engines without a record", () => {
    const s = qwen();
    const engine = must(s.engine);
    const serial: Scenario = {
      ...s,
      engine: {
        ...engine,
        hostTimeFor: () => ({
          ...NO_LAUNCH,
          perIterationS: 0,
          perSequenceS: 1e-5,
          perSequenceAttentionDpS: 1e-5,
          overlapsGpu: false,
        }),
      },
    };
    expect(hostTiming(serial, plan(serial), 100, 0.02).waitS).toBeCloseTo(1e-3, 12);
    const { engine: _, ...bare } = s;
    expect(hostTiming(bare as Scenario, plan(s), 100, 0.02)).toEqual({
      hostS: 0,
      waitS: 0,
      piecewiseDeviceS: 0,
      addedS: 0,
    });
  });

  it("follows the scenario's engine.overlapScheduler: turned off, the host time adds to the GPU's", () => {
    const off = referenceScenario("trtllm-qwen3-30b-a3b-fp4-offline", "engine.overlapScheduler=false");
    const host = hostIterationS(off, plan(off), 1000);
    expect(host).toBeGreaterThan(0);
    expect(hostTiming(off, plan(off), 1000, host * 2).waitS).toBe(host);
  });

  it("adds a fixed part per iteration to the per-sequence part, once per executor process", () => {
    const s = qwen();
    const engine = must(s.engine);
    const both: Scenario = {
      ...s,
      engine: {
        ...engine,
        hostTimeFor: () => ({
          ...NO_LAUNCH,
          perIterationS: 1e-3,
          perSequenceS: 1e-5,
          perSequenceAttentionDpS: 1e-5,
          overlapsGpu: true,
        }),
      },
    };
    expect(hostIterationS(both, plan(both), 100)).toBeCloseTo(2e-3, 12);
    const dp4 = { ...plan(both), attention: { ...plan(both).attention, dp: 4 } };
    expect(hostIterationS(both, dp4, 100)).toBeCloseTo(1.25e-3, 12);
    // No sequences scheduled: no iteration.
    expect(hostIterationS(both, plan(both), 0)).toBe(0);
    // Hidden behind a longer GPU iteration, exposed beyond a shorter one.
    expect(hostTiming(both, plan(both), 100, 0.01).waitS).toBe(0);
    expect(hostTiming(both, plan(both), 100, 0.5e-3).waitS).toBeCloseTo(1.5e-3, 12);
  });

  it("replays decode iterations as a graph and launches iterations with a prompt layer by layer (TensorRT-LLM 1.0)", () => {
    const s = qwen();
    const perf = instancePerformance(s, "colocated");
    const host = hostOf(s);
    const layers = s.model.numLayers;
    expect(host.perLayerS).toBeGreaterThan(0);
    expect(layerLaunchS(s, plan(s), "decode")).toBe(0);
    expect(layerLaunchS(s, plan(s), "mixed")).toBeCloseTo(layers * host.perLayerS, 12);
    // A decode-only iteration pays the per-sequence part only (hidden behind a longer GPU step).
    const big = perf.decodeStepS({ sequences: 1435, kvTokens: 1435 * 1536 });
    expect(big).toBeGreaterThanOrEqual(1435 * host.perSequenceS - 1e-12);
    const small = perf.decodeStepS({ sequences: 16, kvTokens: 16 * 1536 });
    expect(small).toBeGreaterThan(16 * host.perSequenceS);
    // A mixed iteration runs eagerly: the host launches every layer and walks all its sequences.
    const mixed = perf.mixedStepS(
      { sequences: 2, newTokens: 2048, attendedTokenPairs: 2048 * 512 },
      { sequences: 1435, kvTokens: 1435 * 1536 },
    );
    expect(mixed).toBeGreaterThanOrEqual(layers * host.perLayerS + 1437 * host.perSequenceS - 1e-12);
  });
});
