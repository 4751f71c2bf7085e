import { describe, expect, it } from "vitest";
import { computeDevice, efficiencyProfileForChip } from "../perf/index.ts";
import { gradAccumulationS } from "./grad-accumulation.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { stageParams } from "./stage-params.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const scenario = (name: string, overrides: { path: string[]; value: unknown }[] = []) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, { overrides });

describe("Megatron-Core's weight-gradient accumulation without fusion", () => {
  it("adds one pass of 10 B per local parameter per micro-batch (BF16 gradient into FP32 main_grad)", () => {
    const s = scenario("llama2-70b-a2-32-mindspeed");
    expect(s.gradientAccumulationFusion).toBe(false);
    const params = stageParams(s)[0];
    if (params === undefined) throw new Error("no stage");
    const chip = s.system.node.accelerator.chip;
    const bw =
      computeDevice(chip).memoryBandwidthBytesPerS.value *
      efficiencyProfileForChip(chip).classes.vector.memoryEfficiency.value;
    expect(gradAccumulationS(s, params)).toBeCloseTo((params.perRank * 10) / bw, 12);
  });

  it("costs nothing with the fusion (the default) and lengthens the step by about m passes without it", () => {
    const unfused = scenario("llama2-70b-a2-32-mindspeed");
    const fused = scenario("llama2-70b-a2-32-mindspeed", [
      { path: ["gradientAccumulationFusion"], value: true },
    ]);
    const params = stageParams(fused)[0];
    if (params === undefined) throw new Error("no stage");
    expect(gradAccumulationS(fused, params)).toBe(0);
    const a = trainEstimate(fused).stepS;
    const b = trainEstimate(unfused).stepS;
    const m = unfused.layout.microBatches;
    expect(b - a).toBeGreaterThan(m * gradAccumulationS(unfused, params) * 0.95);
    expect(b - a).toBeLessThan(m * gradAccumulationS(unfused, params) * 1.1);
  });

  it("is a Megatron-Core option: refused with another framework", () => {
    expect(() =>
      scenario("deepseek-v3-h800-2048", [{ path: ["gradientAccumulationFusion"], value: false }]),
    ).toThrow(/gradientAccumulationFusion is a Megatron-Core option/);
    expect(() => scenario("deepseek-v3-h800-2048", [{ path: ["ropeFusion"], value: false }])).toThrow(
      /ropeFusion is a Megatron-Core option/,
    );
  });
});
