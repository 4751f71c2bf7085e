import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const V31 = "vllm-ascend-atlas-a3-deepseek-v3.1-decode";
const moeLayerOf = (...sets: string[]) =>
  must(must(estimate(referenceScenario(V31, ...sets)).decode).step.layers.find((l) => l.kind === "moe"));

describe("the shared expert on a second stream (moe.sharedExpertStream, vLLM-Ascend multistream_overlap_shared_expert)", () => {
  it("hides the shared expert behind the router and the MC2 dispatch (no HBM traffic there)", () => {
    const stream = moeLayerOf().timing;
    const serial = moeLayerOf("deployment.decode.moe.sharedExpertStream=false").timing;
    const sharedS = serial.byGroup["shared-experts"] ?? 0;
    expect(sharedS).toBeGreaterThan(40e-6);
    expect(stream.layerS).toBeCloseTo(serial.layerS - sharedS, 7);
    // The items and their times are the same; only their composition changes.
    expect(stream.byGroup).toEqual(serial.byGroup);
  });

  it("is refused with microbatch overlap, whose stream profile places the shared expert", () => {
    const e = supernodeErrorOf(() =>
      estimate(referenceScenario(V31, "deployment.decode.microbatchOverlap=true")),
    );
    expect(e.message).toMatch(/shared-expert stream runs beside the routed path of one batch/);
  });
});
