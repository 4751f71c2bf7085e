import { describe, expect, it } from "vitest";
import { expertHostTimeData, expertHostWait, hostGemmCallS } from "./expert-host-time.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const scenario = (name: string) => parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`);

describe("host time of eager routed experts in training", () => {
  it("reads a sourced per-call host time for x86 hosts and for Grace", () => {
    const table = expertHostTimeData().perGemmCallS;
    expect(table.default?.source?.url).toContain("TransformerEngine/issues/2053");
    expect(table.grace?.value).toBeGreaterThan(table.default?.value ?? Number.POSITIVE_INFINITY);
  });

  it("takes the node's CPU: Grace on GB200 NVL72, the x86 default on DGX B200", () => {
    expect(hostGemmCallS(scenario("qwen3-30b-gb200-8-fp8mx"))).toBeCloseTo(37.08e-6, 12);
    expect(hostGemmCallS(scenario("qwen3-30b-b200-8-fp8mx"))).toBeCloseTo(13.48e-6, 12);
  });

  it("exposes only the launches the GPU's own work does not cover", () => {
    // 16 experts × 2 GEMMs × 10 µs = 320 µs of launches over 200 µs of expert work: 120 µs wait.
    expect(expertHostWait(16, 10e-6, 200e-6, 1e-3).forwardS).toBeCloseTo(120e-6, 12);
    // Backward: 640 µs of launches under a 1 ms layer backward: hidden.
    expect(expertHostWait(16, 10e-6, 200e-6, 1e-3).backwardS).toBe(0);
    expect(expertHostWait(0, 10e-6, 0, 0)).toEqual({ forwardS: 0, backwardS: 0 });
  });

  it("makes the GPU wait for small experts on few tokens, not for DeepSeek-V3's large ones", () => {
    const small = trainEstimate(scenario("qwen3-30b-b200-8-fp8mx"));
    expect(small.breakdown.hostWaitS).toBeGreaterThan(0);
    expect(small.breakdown.hostWaitS).toBeLessThan(small.breakdown.forwardS);
    expect(trainEstimate(scenario("deepseek-v3-gb200-256-fp8mx")).breakdown.hostWaitS).toBe(0);
    expect(trainEstimate(scenario("llama3-8b-b200-8-fp8")).breakdown.hostWaitS).toBe(0);
  });
});
