import { describe, expect, it } from "vitest";
import { trainingScenarioText } from "../training/reference-cases.ts";
import { trainEstimate } from "../training/train-estimate.ts";
import { parseTrainingScenario } from "../training/training-scenario.ts";
import { trainingEnergy } from "./training-energy.ts";

describe("trainingEnergy", () => {
  const e = trainEstimate(
    parseTrainingScenario(trainingScenarioText("deepseek-v3-h800-2048"), "training.yaml"),
  );

  it("charges every chip of the job to the trained tokens, and the run's energy is power × time", () => {
    const en = trainingEnergy(e);
    expect(en.step.chips).toBe(e.scenario.chips);
    expect(en.step.joulesPerInputToken?.value).toBeCloseTo(en.step.watts.value / e.tokensPerS, 9);
    expect(en.step.acceleratorFractionOfTdp).toBeGreaterThan(en.assumptions["curve.idle"]?.value ?? 1);
    expect(en.step.acceleratorFractionOfTdp).toBeLessThanOrEqual(en.assumptions["curve.compute"]?.value ?? 0);
    if (e.train !== undefined)
      expect(en.run?.energyJ.value).toBeCloseTo(en.step.watts.value * e.train.seconds, 3);
  });

  it("gives no cost without a system price, and the run's cost from the price the scenario gives", () => {
    // HGX H800 has no published price in data/power/costs.yaml.
    expect(trainingEnergy(e).step.usdPerMillionInputTokens).toBeUndefined();
    const priced = trainingEnergy(e, {}, { systemPriceUsd: 300_000 });
    const free = trainingEnergy(e, {}, { systemPriceUsd: 300_000, electricityUsdPerKWh: 0 });
    const perM = priced.step.usdPerMillionInputTokens?.value ?? 0;
    expect(free.step.usdPerMillionInputTokens?.value).toBeLessThan(perM);
    if (e.train !== undefined)
      expect(priced.run?.costUsd?.value).toBeCloseTo((perM * e.train.tokens) / 1e6, 3);
  });
});
