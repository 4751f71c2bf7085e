import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseScenario } from "../deploy/scenario.ts";
import { estimate } from "../perf/step-estimate.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { simulate } from "../serving/simulate.ts";
import { estimateEnergy, simulationEnergy } from "./estimate-energy.ts";

function cloudMatrixServing(ratePerS: number): string {
  const decode = parse(referenceScenarioText("cloudmatrix384-deepseek-r1-decode"));
  const prefill = parse(referenceScenarioText("cloudmatrix384-deepseek-r1-prefill"));
  return stringify({
    ...decode,
    deployment: { prefill: prefill.deployment.prefill, decode: decode.deployment.decode },
    workload: {
      arrival: { kind: "poisson", ratePerS },
      promptTokens: { kind: "fixed", tokens: 1024 },
      outputTokens: { kind: "fixed", tokens: 64 },
    },
  });
}

describe("simulationEnergy", () => {
  it("charges every chip, between idle and the estimate's load power, to the simulated tokens", () => {
    const scenario = parseScenario(cloudMatrixServing(20), "cm384-serving.yaml");
    const e = estimate(scenario);
    const result = simulate(scenario, { requests: 300, seed: 3 });
    const en = simulationEnergy(scenario, e, result).total;
    const chips = result.instances.reduce((s, i) => s + i.chips, 0);
    expect(en.chips).toBe(chips);
    const load = estimateEnergy(scenario, e);
    const busiest = Math.max(load.decode?.wattsPerChip.value ?? 0, load.prefill?.wattsPerChip.value ?? 0);
    expect(en.wattsPerChip.value).toBeLessThanOrEqual(busiest + 1e-9);
    expect(en.wattsPerChip.value).toBeGreaterThan(en.otherWattsPerChip.value);
    const t = result.summary.throughput;
    expect(en.joulesPerOutputToken?.value).toBeCloseTo(en.watts.value / t.outputTokensPerS, 9);
    expect(en.joulesPerInputToken?.value).toBeCloseTo(en.watts.value / t.inputTokensPerS, 9);
  });
});
