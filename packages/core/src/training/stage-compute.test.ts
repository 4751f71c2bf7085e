import { describe, expect, it } from "vitest";
import { attentionWindow } from "../model/index.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { parseTrainingScenario, type TrainingScenario } from "./training-scenario.ts";

const attentionS = (s: TrainingScenario) => {
  const moe = pipelineCompute(s).perLayer.moe;
  if (moe === undefined) throw new Error("no MoE layers");
  return moe.attentionForwardS + moe.attentionBackwardS;
};

describe("pipelineCompute: one timing per (layer kind, attention window)", () => {
  const s = parseTrainingScenario(trainingScenarioText("gpt-oss-120b-gb300-64-bf16"), "x.yaml");
  const window = s.model.slidingWindow;
  if (window === undefined) throw new Error("gpt-oss has windowed layers");
  const layers = Array.from({ length: s.model.numLayers }, (_, i) => i);
  const allWindowed = attentionS({ ...s, model: { ...s.model, slidingWindow: { ...window, layers } } });
  const allFull = attentionS({ ...s, model: { ...s.model, slidingWindow: { ...window, layers: [] } } });

  it("gpt-oss: 18 windowed and 18 full layers, not 36 copies of the windowed layer 0", () => {
    expect(attentionWindow(s.model, 0)).toBe(128);
    expect(attentionWindow(s.model, 1)).toBeUndefined();
    expect(allFull).toBeGreaterThan(5 * allWindowed);
    expect(attentionS(s)).toBeCloseTo((allWindowed + allFull) / 2, 9);
    const c = pipelineCompute(s);
    expect(c.bottleneck.attentionForwardS + c.bottleneck.attentionBackwardS).toBeCloseTo(
      36 * attentionS(s),
      9,
    );
  });
});
