import { describe, expect, it } from "vitest";
import type { Scenario } from "../deploy/index.ts";
import { parseScenario } from "../deploy/scenario.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { forwardKernels } from "./forward-kernel-count.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const BURST = "vllm-ascend-atlas-a2-qwen3-30b-a3b-tp2-burst";
const plan = (s: Scenario) => must(s.deployment.colocated);
// The same launch of dense Qwen3-8B on one 910B (GPUStack's Qwen3-8B page): TP1, no experts.
const qwen8b = () => {
  const text = referenceScenarioText(BURST)
    .replace("model: qwen3-30b-a3b", "model: qwen3-8b")
    .replace("chipsPerInstance: 2", "chipsPerInstance: 1")
    .replace("attention: { tp: 2 }", "attention: { tp: 1 }")
    .replace("denseFfn: { tp: 2 }", "denseFfn: { tp: 1 }")
    .replace(/\n\s+moe: \{ ep: 1, tp: 2 \}\n\s+expertImbalance: [^\n]*/, "");
  return parseScenario(text, "qwen3-8b-910b.yaml");
};

describe("kernels of one decode forward", () => {
  it("counts every layer's operators and launched collectives, the MoE layer's more than the dense one's", () => {
    const moe = referenceScenario(BURST);
    const moeKernels = forwardKernels(moe, plan(moe));
    const dense = qwen8b();
    const denseKernels = forwardKernels(dense, plan(dense));
    const moePerLayer = moeKernels / moe.model.numLayers;
    const densePerLayer = denseKernels / dense.model.numLayers;
    console.log({ moeKernels, moePerLayer, denseKernels, densePerLayer });
    expect(Number.isInteger(moeKernels)).toBe(true);
    expect(moePerLayer).toBeGreaterThan(densePerLayer);
    // A dense TP1 layer launches no collective: norms, projections, rotary, cache write, attention, MLP.
    expect(densePerLayer).toBeGreaterThanOrEqual(8);
  });

  it("is computed once per scenario and plan", () => {
    const s = referenceScenario(BURST);
    expect(forwardKernels(s, plan(s))).toBe(forwardKernels(s, plan(s)));
  });
});
