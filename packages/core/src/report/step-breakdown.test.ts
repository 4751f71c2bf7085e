import { describe, expect, it } from "vitest";
import { estimate } from "../perf/step-estimate.ts";
import { must, referenceScenario } from "../perf/test-support/reference-scenario.ts";
import { stepBreakdown } from "./serving-report.ts";

describe("stepBreakdown: the host's parts of a step", () => {
  it("shows a piecewise forward's device time apart from the wait for the host (vLLM, Llama 4)", () => {
    // vLLM 0.11.1 decodes Llama 4 piecewise (chunked local attention): 7.1 µs of device time per layer.
    const scout = referenceScenario("mlenergy-llama-4-scout-h100-chat");
    const decode = must(estimate(scout).decode);
    const host = must(decode.step.host);
    const parts = stepBreakdown(decode);
    const part = (id: string) => parts.find((p) => p.id === id)?.seconds ?? 0;
    expect(part("piecewise-forward")).toBeCloseTo(scout.model.numLayers * 7.1e-6, 12);
    expect(part("piecewise-forward")).toBe(host.piecewiseDeviceS);
    expect(part("host-wait")).toBe(host.waitS);
    expect(host.addedS).toBeCloseTo(host.waitS + host.piecewiseDeviceS, 15);
  });

  it("has no piecewise part where the decode replays one full graph (Llama 3.1 8B)", () => {
    const dense = must(estimate(referenceScenario("mlenergy-llama-3.1-8b-h100-chat")).decode);
    expect(stepBreakdown(dense).some((p) => p.id === "piecewise-forward")).toBe(false);
  });
});
