import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { estimate } from "../perf/step-estimate.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { acceleratorLoadFraction, deploymentEnergy } from "./deployment-energy.ts";
import { energyInputs } from "./energy-inputs.ts";
import { estimateEnergy } from "./estimate-energy.ts";

const FILE = "examples/cloudmatrix384-deepseek-r1-decode.yaml";
const TEXT = referenceScenarioText("cloudmatrix384-deepseek-r1-decode");
const parse = (...sets: string[]) =>
  parseScenario(TEXT, FILE, undefined, { overrides: sets.map(parseOverride) });
const LEVELS = { idle: 0.1, compute: 1, memory: 0.4, fabric: 0.3, overhead: 0.1 };

describe("acceleratorLoadFraction", () => {
  it("weights each bound's level by its time, idle for uncovered step time", () => {
    const t = { compute: 1, memory: 1, fabric: 0, overhead: 0 };
    expect(acceleratorLoadFraction(LEVELS, t, 2)).toBeCloseTo(0.7, 12);
    // A 4 s step with 2 s of work: half the time idle.
    expect(acceleratorLoadFraction(LEVELS, t, 4)).toBeCloseTo((1 + 0.4 + 2 * 0.1) / 4, 12);
    // Overlapped streams (bounds summing past the step) average their levels.
    expect(acceleratorLoadFraction(LEVELS, { compute: 2, memory: 0, fabric: 2, overhead: 0 }, 2)).toBeCloseTo(
      0.65,
      12,
    );
  });

  it("draws memory-bound items' power from HBM and core activity, capped at the board limit", () => {
    const t = { compute: 0, memory: 1, fabric: 0, overhead: 0 };
    const idleItems = { timeS: 0, computeS: 0, memoryS: 0 };
    // HBM busy 80 % of the item time, cores 30 %: 0.1 + 0.3·0.8 + 0.9·0.3.
    const busy = { memory: { timeS: 1, computeS: 0.3, memoryS: 0.8 }, overhead: idleItems };
    expect(acceleratorLoadFraction(LEVELS, t, 1, busy)).toBeCloseTo(0.1 + 0.3 * 0.8 + 0.9 * 0.3, 12);
    // Both saturated: capped at 1 × TDP.
    const full = { memory: { timeS: 1, computeS: 1, memoryS: 1 }, overhead: idleItems };
    expect(acceleratorLoadFraction(LEVELS, t, 1, full)).toBeCloseTo(1, 12);
    // Memory-bound time not covered by items (e.g. added KV reads without activity) keeps the level.
    const half = { memory: { timeS: 0.5, computeS: 0, memoryS: 0.5 }, overhead: idleItems };
    expect(acceleratorLoadFraction(LEVELS, t, 1, half)).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.4, 12);
    // Core time weighted for the step's SM clock ((r/φ)³ = 1.5): the core term grows by 1.5.
    const fast = {
      memory: { timeS: 1, computeS: 0.3, memoryS: 0.8, coreWeightS: 0.45 },
      overhead: idleItems,
    };
    expect(acceleratorLoadFraction(LEVELS, t, 1, fast)).toBeCloseTo(0.1 + 0.3 * 0.8 + 0.9 * 0.45, 12);
  });

  it("draws compute-bound items at the step's clock, the step's mean capped at the board limit", () => {
    const idleItems = { timeS: 0, computeS: 0, memoryS: 0 };
    const t = { compute: 0.5, memory: 0.5, fabric: 0, overhead: 0 };
    // (r/φ)³ = 1.2 on the compute-bound half: 0.1 + 0.9·1.2 = 1.18 there, 0.4 on the memory half.
    const clocked = { memory: idleItems, overhead: idleItems, compute: { timeS: 0.5, coreWeightS: 0.6 } };
    expect(acceleratorLoadFraction(LEVELS, t, 1, clocked)).toBeCloseTo(0.5 * 1.18 + 0.5 * 0.4, 12);
    // Without the clock the compute level; above the limit on average, the limit.
    expect(acceleratorLoadFraction(LEVELS, t, 1, { memory: idleItems, overhead: idleItems })).toBeCloseTo(
      0.7,
      12,
    );
    const hot = { ...clocked, compute: { timeS: 0.5, coreWeightS: 1 } };
    expect(acceleratorLoadFraction(LEVELS, { ...t, memory: 0.1 }, 0.6, hot)).toBe(1);
  });
});

describe("deploymentEnergy", () => {
  const s = parse();
  const inputs = energyInputs(s.system);
  const profile = { compute: 1, memory: 0, fabric: 0, overhead: 0 };

  it("composes facility watts from accelerator, other parts, fans, conversion and PUE", () => {
    const e = deploymentEnergy(inputs, {
      chips: 10,
      timeByBound: profile,
      stepS: 1,
      outputTokensPerS: 1000,
      inputTokensPerS: 0,
    });
    const a = inputs.assumptions;
    const tdp = a["accelerator.tdpW"]?.value ?? 0;
    expect(e.acceleratorWattsPerChip.value).toBeCloseTo(tdp * (a["curve.compute"]?.value ?? 0), 9);
    const it =
      ((e.acceleratorWattsPerChip.value + e.otherWattsPerChip.value) *
        (1 + (a["parts.fansFraction"]?.value ?? 0))) /
      (a["parts.conversionEfficiency"]?.value ?? 1);
    expect(e.itWattsPerChip.value).toBeCloseTo(it, 9);
    expect(e.wattsPerChip.value).toBeCloseTo(it * (a["facility.pue"]?.value ?? 0), 9);
    expect(e.joulesPerOutputToken?.value).toBeCloseTo((e.wattsPerChip.value * 10) / 1000, 9);
    expect(e.outputTokensPerKWh?.value).toBeCloseTo(3.6e6 / (e.joulesPerOutputToken?.value ?? 1), 6);
    expect(e.joulesPerInputToken).toBeUndefined();
  });

  it("doubles joules per token when the token rate halves, and cost per token with it", () => {
    const p = { chips: 10, timeByBound: profile, stepS: 1, inputTokensPerS: 0 };
    const fast = deploymentEnergy(inputs, { ...p, outputTokensPerS: 2000 });
    const slow = deploymentEnergy(inputs, { ...p, outputTokensPerS: 1000 });
    expect((slow.joulesPerOutputToken?.value ?? 0) / (fast.joulesPerOutputToken?.value ?? 1)).toBeCloseTo(
      2,
      12,
    );
    expect(
      (slow.usdPerMillionOutputTokens?.value ?? 0) / (fast.usdPerMillionOutputTokens?.value ?? 1),
    ).toBeCloseTo(2, 12);
  });

  it("TCO is capex + electricity + facility, and capex is the price over chips and years", () => {
    const e = deploymentEnergy(inputs, {
      chips: 384,
      timeByBound: profile,
      stepS: 1,
      outputTokensPerS: 1,
      inputTokensPerS: 0,
    });
    const c = e.costUsdPerYear;
    expect(c).toBeDefined();
    expect(e.tcoUsdPerYear?.value).toBeCloseTo(
      (c?.capex ?? 0) + (c?.electricity ?? 0) + (c?.facility ?? 0),
      6,
    );
    const a = inputs.assumptions;
    expect(c?.capex).toBeCloseTo(
      (a["cost.systemPriceUsd"]?.value ?? 0) / (a["cost.amortizationYears"]?.value ?? 1),
      6,
    );
  });
});

describe("estimateEnergy", () => {
  it("gives watts, joules per output token and dollars per million output tokens, each naming its assumptions", () => {
    const s = parse();
    const en = estimateEnergy(s, estimate(s));
    const d = en.decode;
    expect(d).toBeDefined();
    for (const f of [d?.wattsPerChip, d?.joulesPerOutputToken, d?.usdPerMillionOutputTokens]) {
      expect(f?.value).toBeGreaterThan(0);
      expect(Number.isFinite(f?.value)).toBe(true);
      for (const id of f?.uses ?? []) expect(en.assumptions[id], id).toBeDefined();
    }
    expect(d?.usdPerMillionOutputTokens?.uses).toContain("cost.systemPriceUsd");
    expect(d?.joulesPerOutputToken?.uses).toContain("facility.pue");
    // The system at full load, from parts, is below the rack nameplate bound (~706 kW).
    expect(en.systemPower.fullLoadItW).toBeLessThan(706_000);
  });

  it("takes the scenario's power: and cost: sections over the defaults, tagged scenario", () => {
    const base = parse();
    const b = estimateEnergy(base, estimate(base));
    const s = parse("power.pue=2.6", "cost.systemPriceUsd=1", "power.acceleratorTdpW=700");
    const e = estimateEnergy(s, estimate(s));
    expect(e.assumptions["facility.pue"]).toMatchObject({ value: 2.6, tag: "scenario" });
    expect(e.assumptions["accelerator.tdpW"]).toMatchObject({ value: 700, tag: "scenario" });
    expect(e.decode?.acceleratorWattsPerChip.value).toBeCloseTo(
      700 * (e.decode?.acceleratorFractionOfTdp ?? 0),
      9,
    );
    const ratio = (e.decode?.itWattsPerChip.value ?? 0) / (b.decode?.itWattsPerChip.value ?? 1);
    expect((e.decode?.wattsPerChip.value ?? 0) / (b.decode?.wattsPerChip.value ?? 1)).toBeCloseTo(
      (ratio * 2.6) / 1.3,
      9,
    );
  });

  it("names the nearest field for an unknown cost: field", () => {
    const err = supernodeErrorOf(() => parse("cost.electricityUsdPerKwh=0.1"));
    expect(err.message).toMatch(
      /unknown field "electricityUsdPerKwh" in cost: did you mean electricityUsdPerKWh/,
    );
  });

  it("refuses a PUE below 1 at its field", () => {
    const err = supernodeErrorOf(() => parse("power.pue=0.5"));
    expect(err.message).toMatch(/power\.pue/);
  });

  it("reports no cost figures, and says why, for a system without a published price", () => {
    const s = parse("cost.utilization=0.5");
    const inputs = energyInputs({ ...s.system, id: "my-system" });
    const e = deploymentEnergy(inputs, {
      chips: 1,
      timeByBound: { compute: 1, memory: 0, fabric: 0, overhead: 0 },
      stepS: 1,
      outputTokensPerS: 1,
      inputTokensPerS: 0,
    });
    expect(e.usdPerMillionOutputTokens).toBeUndefined();
    expect(e.missing.join(" ")).toMatch(/cost\.systemPriceUsd/);
    expect(e.missing.join(" ")).toMatch(/power\.otherPartsW/);
  });
});
