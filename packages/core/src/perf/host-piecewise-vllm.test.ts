import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/index.ts";
import { hostTiming, layerLaunchS } from "./host-time.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// vLLM 0.11.1 (FULL_AND_PIECEWISE by default): Llama 4 Scout has chunked local attention layers,
// Llama 3.1 8B has none. vLLM 0.10.2 (PIECEWISE by default): Llama 3.3 70B.
const SCOUT = "mlenergy-llama-4-scout-h100-chat";
const LLAMA8B = "mlenergy-llama-3.1-8b-h100-chat";
const V0102 = "vllm-h100-llama-3.3-70b-fp8-tp4-1k8k";
const plan = (s: Scenario) => must(s.deployment.decode ?? s.deployment.colocated);
const hostOf = (s: Scenario) => must(s.engine?.hostTimeFor("NVIDIA", false));
/** A device time long enough to hide every host launch. */
const LONG_S = 1;

describe("vLLM's piecewise forward per release and attention backend", () => {
  it("decodes Llama 4 piecewise from 0.11 (chunked local attention: no full graph), other models on one full graph", () => {
    const scout = referenceScenario(SCOUT);
    expect(scout.model.slidingWindow?.chunked).toBe(true);
    const host = hostOf(scout);
    expect(host.decodeFullGraph).toBe(true);
    expect(host.chunkedAttentionDecodeFullGraph).toBe(false);
    expect(host.perLayerS).toBeCloseTo(78e-6, 12);
    expect(host.perLayerDeviceS).toBeCloseTo(7.1e-6, 12);
    expect(layerLaunchS(scout, plan(scout), "decode")).toBeCloseTo(scout.model.numLayers * 78e-6, 12);
    const dense = referenceScenario(LLAMA8B);
    expect(layerLaunchS(dense, plan(dense), "decode")).toBe(0);
    expect(hostTiming(dense, plan(dense), 8, LONG_S, "decode").waitS).toBe(0);
    // Iterations with a prefill run piecewise whatever the model.
    expect(layerLaunchS(dense, plan(dense), "mixed")).toBeCloseTo(dense.model.numLayers * 78e-6, 12);
  });

  it("adds the device's loss per piecewise layer even where the host hides behind the device", () => {
    const scout = referenceScenario(SCOUT);
    const gap = scout.model.numLayers * 7.1e-6;
    const hidden = hostTiming(scout, plan(scout), 8, LONG_S, "decode");
    expect(hidden.waitS).toBe(0);
    expect(hidden.piecewiseDeviceS).toBeCloseTo(gap, 12);
    expect(hidden.addedS).toBeCloseTo(gap, 12);
    // Host-bound (device time 0): the whole host chain plus the gap.
    const bound = hostTiming(scout, plan(scout), 8, 0, "decode");
    expect(bound.waitS).toBeCloseTo(bound.hostS, 12);
    expect(bound.addedS).toBeCloseTo(bound.hostS + gap, 12);
    const dense = referenceScenario(LLAMA8B);
    expect(hostTiming(dense, plan(dense), 8, LONG_S, "mixed").addedS).toBeCloseTo(
      dense.model.numLayers * 7.1e-6,
      12,
    );
  });

  it("decodes every model piecewise before 0.11 unless the launch set a full graph", () => {
    const s = referenceScenario(V0102);
    expect(hostOf(s).decodeFullGraph).toBe(false);
    const piecewise = must(estimate(s).decode).step;
    const full = must(estimate(referenceScenario(V0102, "engine.decodeGraph=full")).decode).step;
    expect(piecewise.stepS - full.stepS).toBeCloseTo(s.model.numLayers * 7.1e-6, 9);
    expect(
      referenceScenario(V0102, 'engine.version="0.11.0"').engine?.hostTimeFor("NVIDIA", false)
        ?.decodeFullGraph,
    ).toBe(true);
  });

  it("lets the scenario's engine.decodeGraph override the chunked-attention rule", () => {
    const full = referenceScenario(SCOUT, "engine.decodeGraph=full");
    expect(hostOf(full).chunkedAttentionDecodeFullGraph).toBe(true);
    expect(hostTiming(full, plan(full), 8, LONG_S, "decode").addedS).toBe(0);
  });
});
