import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { estimateEnergy } from "../energy/index.ts";
import { estimate } from "../perf/step-estimate.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { referenceScenarioNames, referenceScenarioText } from "./validate-end-to-end.ts";
import { energyCaseSpecs, energyReferenceCases, predictEnergyCase } from "./validate-energy.ts";

describe("energy reference cases", () => {
  it("each names a built-in scenario, a source and a prediction in its note", () => {
    const specs = energyCaseSpecs();
    expect(specs.length).toBeGreaterThanOrEqual(3);
    const names = new Set(referenceScenarioNames());
    for (const c of specs) {
      expect(names.has(c.scenario), c.id).toBe(true);
      expect(c.source, c.id).toMatch(/^https?:\/\//);
      expect(c.note ?? "", c.id).toMatch(/prediction/i);
    }
    expect(new Set(specs.map((c) => c.id)).size).toBe(specs.length);
  });

  it("the offline metric is the GPU energy of P prompt and O answer tokens over O, from the energy layer", () => {
    const spec = energyCaseSpecs().find((c) => c.id === "mlenergy-q3-32b-b200-chat-b128");
    expect(spec).toBeDefined();
    if (spec === undefined) return;
    const s = parseScenario(referenceScenarioText(spec.scenario), `${spec.scenario}.yaml`);
    const e = estimate(s);
    const en = estimateEnergy(s, e);
    const jIn = (en.prefill?.acceleratorWattsPerChip.value ?? 0) / (e.prefill?.tokensPerSPerChip ?? 1);
    const jOut = (en.decode?.acceleratorWattsPerChip.value ?? 0) / (e.decode?.tokensPerSPerChip ?? 1);
    const c = predictEnergyCase(spec);
    expect(c.predicted).toBeCloseTo((224 * jIn + 627 * jOut) / 627, 12);
    expect(c.predicted).toBeGreaterThan(jOut);
    expect(c.vendor).toBe("NVIDIA");
    expect(c.point.batchPerChip).toBe(128);
  });

  it("the offline power is prefill and decode power weighted by their time per output token", () => {
    const spec = energyCaseSpecs().find((c) => c.id === "mlenergy-l31-8b-h100-b8-power");
    expect(spec?.metric).toBe("offline-accelerator-watts-per-chip");
    if (spec === undefined) return;
    const joules = predictEnergyCase({ ...spec, metric: "offline-accelerator-joules-per-output-token" });
    const watts = predictEnergyCase(spec);
    const s = parseScenario(referenceScenarioText(spec.scenario), `${spec.scenario}.yaml`, undefined, {
      overrides: spec.overrides.map(parseOverride),
    });
    const e = estimate(s);
    const en = estimateEnergy(s, e);
    const prefillW = en.prefill?.acceleratorWattsPerChip.value ?? Number.NaN;
    const decodeW = en.decode?.acceleratorWattsPerChip.value ?? Number.NaN;
    // Chip-seconds per output token: decode 1/rate, prefill (P/O)/rate; W × s = J.
    const seconds = 1 / (e.decode?.tokensPerSPerChip ?? 1) + 224 / 389 / (e.prefill?.tokensPerSPerChip ?? 1);
    expect(watts.predicted).toBeCloseTo(joules.predicted / seconds, 9);
    expect(watts.predicted).toBeGreaterThan(Math.min(prefillW, decodeW));
    expect(watts.predicted).toBeLessThan(Math.max(prefillW, decodeW));
  });

  it("a larger batch gives less energy per token (the measured trend)", () => {
    const byId = new Map(energyReferenceCases().map((c) => [c.id, c]));
    const b128 = byId.get("mlenergy-q3-32b-b200-chat-b128");
    const b512 = byId.get("mlenergy-q3-32b-b200-chat-b512");
    expect(b512?.predicted ?? Number.NaN).toBeLessThan(b128?.predicted ?? Number.NaN);
    for (const c of byId.values()) expect(Number.isFinite(c.predicted) && c.predicted > 0, c.id).toBe(true);
  });

  it("a metric the scenario cannot give is a clear error naming the case and the scenario", () => {
    const base = energyCaseSpecs()[0];
    if (base === undefined) throw new Error("no energy cases");
    const spec = {
      ...base,
      id: "probe",
      scenario: "sglang-h100-deepseek-v3-decode",
      overrides: [],
      metric: "prefill-accelerator-watts-per-chip" as const,
    };
    expect(() => predictEnergyCase(spec)).toThrow(
      /references\/energy\.yaml: case probe: scenario sglang-h100-deepseek-v3-decode has no prefill estimate/,
    );
    const offline = { ...spec, metric: "offline-accelerator-joules-per-output-token" as const };
    expect(() => predictEnergyCase(offline)).toThrow(/case probe/);
  });
});
