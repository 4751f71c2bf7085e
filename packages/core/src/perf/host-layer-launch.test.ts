import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { hostIterationS, hostTiming, layerLaunchS } from "./host-time.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// Kimi-K2-Thinking on vLLM-Ascend 0.20.2 (61 layers, one request): a PIECEWISE decode by default.
const KIMI = "vllm-ascend-atlas-a3-kimi-k2-thinking-c1";
const plan = (s: Scenario) => must(s.deployment.decode);
const hostOf = (s: Scenario) => must(s.engine?.hostTimeFor("Huawei", false));

describe("host launches of a forward not replayed as one full graph", () => {
  it("costs the engine's per-layer time over every layer of a piecewise decode", () => {
    const s = referenceScenario(KIMI);
    const host = hostOf(s);
    expect(host.decodeFullGraph).toBe(false);
    expect(host.perLayerS).toBeGreaterThan(0);
    expect(layerLaunchS(s, plan(s), "decode")).toBeCloseTo(s.model.numLayers * host.perLayerS, 12);
  });

  it("sets the decode step when the launches outlast the device (host-bound)", () => {
    const s = referenceScenario(KIMI);
    const step = must(estimate(s).decode).step;
    const launches = layerLaunchS(s, plan(s), "decode");
    // With the overlap scheduler the iteration takes the longer of device and host.
    expect(step.stepS).toBeCloseTo(launches + hostIterationS(s, plan(s), 1), 9);
    expect(step.stepS).toBeGreaterThan(step.layersS);
  });

  it("is absent from a full-graph decode (the scenario's engine.decodeGraph, or release 0.21)", () => {
    const full = referenceScenario(KIMI, "engine.decodeGraph=full");
    expect(layerLaunchS(full, plan(full), "decode")).toBe(0);
    const piecewise = must(estimate(referenceScenario(KIMI)).decode).step.stepS;
    const fullStep = must(estimate(full).decode).step;
    expect(fullStep.stepS).toBeLessThan(piecewise);
    // The device's own step (layers, head, one graph launch): no wait for per-layer launches.
    expect(fullStep.stepS).toBeLessThan(fullStep.layersS + 0.002);
    const newer = referenceScenario(KIMI, 'engine.version="0.21.0"');
    expect(hostOf(newer).decodeFullGraph).toBe(true);
    // Iterations with a prefill still run piecewise and pay the launches.
    expect(layerLaunchS(newer, plan(newer), "mixed")).toBeGreaterThan(0);
  });

  it("runs beside the device even without the overlap scheduler; only the scheduling adds", () => {
    const s = referenceScenario(KIMI, "engine.overlapScheduler=false");
    const launches = layerLaunchS(s, plan(s), "decode");
    const schedule = hostIterationS(s, plan(s), 1);
    expect(hostTiming(s, plan(s), 1, launches / 2).waitS).toBeCloseTo(schedule + launches / 2, 12);
    expect(hostTiming(s, plan(s), 1, launches * 2).waitS).toBeCloseTo(schedule, 12);
  });

  it("is refused for an engine that records no per-layer launch time", () => {
    expect(() => referenceScenario("sglang-atlas-a3-deepseek-r1-decode", "engine.decodeGraph=full")).toThrow(
      SupernodeError,
    );
  });
});
