/**
 * Energy and cost of an `estimate` (per phase: decode → per output token, prefill → per input
 * token) and of a serving simulation (all energy per token), plus the system's power at full load
 * from its parts, beside the catalog's published system power.
 */
import type { Scenario } from "../deploy/index.ts";
import type { Estimate, PhaseEstimate } from "../perf/index.ts";
import type { SimulationResult } from "../serving/index.ts";
import { type DeploymentEnergy, deploymentEnergy } from "./deployment-energy.ts";
import { type EnergyAssumption, type EnergyInputs, energyInputs, otherPartsWatts } from "./energy-inputs.ts";

export interface SystemPowerCheck {
  /** Accelerators at the compute-bound level plus the other parts, fans and conversion (IT power, W). */
  readonly fullLoadItW: number;
  readonly acceleratorsW: number;
  readonly otherPartsW: number;
  /** The catalog's system power figure (`compare` uses it) and its basis. */
  readonly catalogW: number;
  readonly catalogBasis: string;
  readonly catalogSource?: string;
}

export interface EstimateEnergy {
  readonly system: string;
  readonly assumptions: Readonly<Record<string, EnergyAssumption>>;
  readonly decode?: DeploymentEnergy;
  readonly prefill?: DeploymentEnergy;
  readonly systemPower: SystemPowerCheck;
  /** How the figures are attributed (read with the numbers). */
  readonly basis: string;
}

const BASIS =
  "per chip of the deployment: the accelerator at the power its step-time profile implies, plus its share of the system's other parts (pro rata per accelerator), fans and conversion losses, times PUE; decode energy per output token, prefill energy per input token";

/**
 * The system's IT power with every accelerator at the compute-bound level, beside the catalog figure.
 * @example systemPowerCheck(energyInputs(system)).fullLoadItW
 */
export function systemPowerCheck(inputs: EnergyInputs): SystemPowerCheck {
  const a = inputs.assumptions;
  const tdp = a["accelerator.tdpW"]?.value ?? 0;
  const acceleratorsW = tdp * (a["curve.compute"]?.value ?? 1) * inputs.chipsPerSystem;
  const otherW = otherPartsWatts(inputs);
  const itFactor =
    (1 + (a["parts.fansFraction"]?.value ?? 0)) / (a["parts.conversionEfficiency"]?.value ?? 1);
  const used = inputs.system.power.usedW;
  return {
    fullLoadItW: (acceleratorsW + otherW) * itFactor,
    acceleratorsW,
    otherPartsW: otherW,
    catalogW: used.value,
    catalogBasis: inputs.system.power.basis,
    ...(used.sources[0] !== undefined ? { catalogSource: used.sources[0].title } : {}),
  };
}

function scenarioInputs(scenario: Scenario): EnergyInputs {
  return energyInputs(scenario.system, scenario.document.power, scenario.document.cost, scenario.fileName);
}

function phaseEnergy(
  inputs: EnergyInputs,
  p: PhaseEstimate,
  tokensPerSPerChip: number,
  kind: "output" | "input",
) {
  const chips = p.instances * p.chipsPerInstance;
  const rate = tokensPerSPerChip * chips;
  return deploymentEnergy(inputs, {
    chips,
    timeByBound: p.step.timeByBound,
    stepS: p.step.stepS,
    ...(p.step.activity !== undefined ? { activity: p.step.activity } : {}),
    outputTokensPerS: kind === "output" ? rate : 0,
    inputTokensPerS: kind === "input" ? rate : 0,
  });
}

/**
 * Energy and cost of an estimate.
 * @example estimateEnergy(scenario, estimate(scenario)).decode?.joulesPerOutputToken?.value
 */
export function estimateEnergy(scenario: Scenario, e: Estimate): EstimateEnergy {
  const inputs = scenarioInputs(scenario);
  return {
    system: scenario.system.id,
    assumptions: inputs.assumptions,
    ...(e.decode !== undefined
      ? { decode: phaseEnergy(inputs, e.decode, e.decode.tokensPerSPerChip, "output") }
      : {}),
    ...(e.prefill !== undefined
      ? { prefill: phaseEnergy(inputs, e.prefill, e.prefill.tokensPerSPerChip, "input") }
      : {}),
    systemPower: systemPowerCheck(inputs),
    basis: BASIS,
  };
}

export interface SimulationEnergy {
  readonly system: string;
  readonly assumptions: Readonly<Record<string, EnergyAssumption>>;
  /** All chips of the simulation; every joule counted against output tokens (and, separately, input tokens). */
  readonly total: DeploymentEnergy;
  readonly basis: string;
}

/**
 * Energy and cost of a serving simulation: each instance's chips at their role's step-time profile
 * (from the estimate at the scenario's operating point) for their busy fraction, idle otherwise.
 * @example simulationEnergy(scenario, estimate(scenario), result).total.joulesPerOutputToken?.value
 */
export function simulationEnergy(
  scenario: Scenario,
  e: Estimate,
  result: SimulationResult,
): SimulationEnergy {
  const summary = result.summary;
  const inputs = scenarioInputs(scenario);
  // Chip-weighted mean busy fraction and a mixed step profile per role.
  const bounds = { compute: 0, memory: 0, fabric: 0, overhead: 0 };
  const zero = () => ({ timeS: 0, computeS: 0, memoryS: 0, coreWeightS: 0 });
  const activity = { memory: zero(), overhead: zero(), compute: { timeS: 0, coreWeightS: 0 } };
  let stepWeighted = 0;
  let chips = 0;
  let busyChips = 0;
  for (const inst of result.instances) {
    const phase = inst.role === "prefill" ? e.prefill : (e.decode ?? e.prefill);
    if (phase === undefined) continue;
    const scale = (inst.chips * inst.busyFraction) / phase.step.stepS;
    for (const b of ["compute", "memory", "fabric", "overhead"] as const)
      bounds[b] += phase.step.timeByBound[b] * scale;
    const tc = phase.step.timeByBound.compute * scale;
    activity.compute.timeS += tc;
    activity.compute.coreWeightS +=
      phase.step.activity?.compute !== undefined && phase.step.activity.compute.timeS > 0
        ? (tc * phase.step.activity.compute.coreWeightS) / phase.step.activity.compute.timeS
        : tc;
    for (const b of ["memory", "overhead"] as const) {
      const a = phase.step.activity?.[b];
      if (a === undefined) continue;
      activity[b].timeS += a.timeS * scale;
      activity[b].computeS += a.computeS * scale;
      activity[b].memoryS += a.memoryS * scale;
      activity[b].coreWeightS += (a.coreWeightS ?? a.computeS) * scale;
    }
    stepWeighted += inst.chips * inst.busyFraction;
    chips += inst.chips;
    busyChips += inst.chips * inst.busyFraction;
  }
  const total = deploymentEnergy(inputs, {
    chips: Math.max(chips, 1),
    timeByBound: bounds,
    activity,
    stepS: Math.max(stepWeighted, Number.MIN_VALUE),
    busyFraction: chips > 0 ? busyChips / chips : 0,
    outputTokensPerS: summary.throughput.outputTokensPerS,
    inputTokensPerS: summary.throughput.inputTokensPerS,
  });
  return {
    system: scenario.system.id,
    assumptions: inputs.assumptions,
    total,
    basis:
      "all chips of the simulation: each instance at its role's step-time power profile for its busy fraction, idle otherwise; every joule counted per output token (and, separately, per input token)",
  };
}
