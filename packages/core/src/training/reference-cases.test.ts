import { describe, expect, it } from "vitest";
import {
  predictTrainingCase,
  trainingCaseSpecs,
  trainingMetricValue,
  trainingScenarioText,
} from "./reference-cases.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

describe("training reference cases", () => {
  it("a tokens-per-s-per-chip case is the estimate's tokens/s per chip, and the other metrics follow from it", () => {
    const spec = trainingCaseSpecs().find((c) => c.id === "nemo-405b-gb300-256-fp8");
    expect(spec?.metric).toBe("tokens-per-s-per-chip");
    if (spec === undefined) return;
    const e = trainEstimate(parseTrainingScenario(trainingScenarioText(spec.scenario), "t.yaml"));
    const c = predictTrainingCase(spec);
    expect(c.predicted).toBeCloseTo(e.tokensPerSPerChip, 9);
    expect(c.vendor).toBe("NVIDIA");
    expect(trainingMetricValue(e, "gpu-hours-per-trillion-tokens")).toBeCloseTo(1e12 / c.predicted / 3600, 6);
  });
});
