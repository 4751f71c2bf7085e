import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { eagerMoeHostData, moeLayerHostS } from "./eager-moe-host.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const BASE = "qwen3-30b-b200-8-fp8mx";
const scenario = (overrides: { path: string[]; value: unknown }[]) =>
  parseTrainingScenario(trainingScenarioText(BASE), `${BASE}.yaml`, undefined, { overrides });
const LAYER = { path: ["cudaGraphScope"], value: "transformer-layer" };
const ALLTOALL = { path: ["tokenDispatcher"], value: "alltoall" };
const PADDED = [ALLTOALL, { path: ["moeCapacity"], value: { factor: 1, pad: true } }];

describe("whole-layer CUDA graphs (cudaGraphScope: transformer-layer)", () => {
  it("charges one graph launch per MoE layer and direction on the host", () => {
    const s = scenario([LAYER, ...PADDED]);
    const launch = eagerMoeHostData().perKernelS.default?.value ?? 0;
    expect(moeLayerHostS(s, 16)).toEqual({
      forwardS: launch,
      backwardS: launch,
      forwardAfterSyncS: 0,
      backwardAfterSyncS: 0,
      combineCallS: 0,
    });
    // The eager padded layer costs the host far more: graphs remove the B200 row's host wait.
    const eager = moeLayerHostS(scenario([{ path: ["cudaGraphScope"], value: [] }, ...PADDED]), 16);
    expect(eager.forwardS).toBeGreaterThan(10 * launch);
    expect(trainEstimate(s).breakdown.hostWaitS).toBe(0);
  });

  it("refuses a dropless MoE layer, which Megatron-Core cannot capture, at the field", () => {
    const e = supernodeErrorOf(() => scenario([LAYER]));
    expect(e.detail).toMatch(/^cudaGraphScope transformer-layer: .* only when it is padded to capacity/);
    expect(e.location.fieldPath).toEqual(["cudaGraphScope"]);
    // Token drop without padding still has dynamic shapes.
    const unpadded = supernodeErrorOf(() =>
      scenario([LAYER, ALLTOALL, { path: ["moeCapacity"], value: { factor: 1, pad: false } }]),
    );
    expect(unpadded.detail).toContain("padded to capacity");
  });

  it("refuses activation recomputation, as Megatron-Core 0.14's config check does", () => {
    const e = supernodeErrorOf(() =>
      scenario([LAYER, ...PADDED, { path: ["recompute"], value: "selective" }]),
    );
    expect(e.detail).toMatch(/refuse activation recomputation \(recompute: none, not selective\)/);
  });

  it("is a Megatron-Core option", () => {
    const e = supernodeErrorOf(() => scenario([LAYER, ...PADDED, { path: ["framework"], value: "hai-llm" }]));
    expect(e.detail).toMatch(/^cudaGraphScope is a Megatron-Core option/);
  });

  it("names the allowed scopes when the word is mistyped", () => {
    const e = supernodeErrorOf(() => scenario([{ path: ["cudaGraphScope"], value: "transformer-layers" }]));
    expect(e.detail).toBe(
      'expected cudaGraphScope to be one of "full-iteration", "transformer-layer", or an array',
    );
    expect(e.location.fieldPath).toEqual(["cudaGraphScope"]);
  });
});
