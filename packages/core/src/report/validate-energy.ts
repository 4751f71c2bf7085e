/**
 * Energy reference cases (`supernode validate`, kind `energy`): a reference scenario
 * (data/references/scenarios/*.yaml, the same files as examples/*.yaml) estimated with the step
 * model, its energy computed by the energy layer (docs/energy.md), and compared with a published
 * power or energy measurement (data/references/energy.yaml). The published values are only
 * compared with, never fed to the model.
 */

import { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";
import type { Scenario } from "../deploy/index.ts";
import { type EstimateEnergy, estimateEnergy } from "../energy/index.ts";
import { type Estimate, estimate } from "../perf/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { operatingPoint } from "./operating-point.ts";
import {
  type ScenarioReferenceCase,
  scenarioCaseKey,
  scenarioCaseResult,
  scenarioCaseSchemas,
  scenarioOfCase,
} from "./scenario-case.ts";

const metricSchema = z.enum([
  /** Mean accelerator (board) power during decode steps, W per chip: what NVML / npu-smi report. */
  "decode-accelerator-watts-per-chip",
  /** Mean accelerator power during prefill steps, W per chip. */
  "prefill-accelerator-watts-per-chip",
  /** Accelerator energy per output token of the decode phase alone, J. */
  "decode-accelerator-joules-per-output-token",
  /**
   * Accelerator energy per output token of a colocated instance serving fixed prompt and output
   * lengths P and O with prefill and decode iterations time-shared (no overlap):
   * (P × J per input token of prefill + O × J per output token of decode) / O — the GPU energy of a
   * steady-state serving window divided by the tokens it generated (ML.ENERGY's energy per token).
   */
  "offline-accelerator-joules-per-output-token",
  /**
   * Mean accelerator power per chip of the same time-shared colocated instance: prefill and decode
   * power weighted by the time each takes per output token (P / O prefill tokens per output token) —
   * the average GPU power of a steady-state serving window (ML.ENERGY's average power ÷ GPUs).
   */
  "offline-accelerator-watts-per-chip",
  /** IT power of the decode deployment per chip (accelerator, its share of the other parts, fans, conversion), W. */
  "decode-it-watts-per-chip",
]);
export type EnergyMetric = z.output<typeof metricSchema>;

const { caseSchema, fileSchema } = scenarioCaseSchemas(metricSchema);
export type EnergyCaseSpec = z.output<typeof caseSchema>;

export interface EnergyReferenceCase extends ScenarioReferenceCase<EnergyMetric> {
  readonly vendor: string;
}

const FILE = "references/energy.yaml";

/** The energy case list. @example energyCaseSpecs()[0]?.metric */
export function energyCaseSpecs(): readonly EnergyCaseSpec[] {
  return parseBuiltinData(FILE, fileSchema).cases;
}

interface Evaluated {
  readonly scenario: Scenario;
  readonly e: Estimate;
  readonly energy: EstimateEnergy;
}
export type EnergyEstimateCache = Map<string, Evaluated>;

function need<T>(value: T | undefined, spec: EnergyCaseSpec, what: string): T {
  if (value === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${FILE}: case ${spec.id}: scenario ${spec.scenario} has no ${what}, which metric ${spec.metric} needs`,
    );
  return value;
}

/** The fixed prompt and output lengths of a scenario's workload, which the offline metrics need. */
function fixedLengths(spec: EnergyCaseSpec, scenario: Scenario): { prompt: number; output: number } {
  const p = scenario.workload?.promptTokens;
  const o = scenario.workload?.outputTokens;
  if (p?.kind !== "fixed" || o?.kind !== "fixed")
    throw new SupernodeError(
      "invalid-value",
      `${FILE}: case ${spec.id}: metric ${spec.metric} needs fixed workload.promptTokens and workload.outputTokens in scenario ${spec.scenario}`,
    );
  return { prompt: p.tokens, output: o.tokens };
}

/** The value of an energy metric. */
function energyMetricValue(spec: EnergyCaseSpec, hit: Evaluated): number {
  const { e, energy, scenario } = hit;
  const decodeAccW = () => need(energy.decode, spec, "decode estimate").acceleratorWattsPerChip.value;
  const prefillAccW = () => need(energy.prefill, spec, "prefill estimate").acceleratorWattsPerChip.value;
  const decodeRate = () => need(e.decode, spec, "decode estimate").tokensPerSPerChip;
  const prefillRate = () => need(e.prefill, spec, "prefill estimate").tokensPerSPerChip;
  switch (spec.metric) {
    case "decode-accelerator-watts-per-chip":
      return decodeAccW();
    case "prefill-accelerator-watts-per-chip":
      return prefillAccW();
    case "decode-accelerator-joules-per-output-token":
      return decodeAccW() / decodeRate();
    case "offline-accelerator-joules-per-output-token":
    case "offline-accelerator-watts-per-chip": {
      const { prompt, output } = fixedLengths(spec, scenario);
      // Chip-seconds per output token in each phase, time-shared without overlap.
      const prefillS = prompt / output / prefillRate();
      const decodeS = 1 / decodeRate();
      const joules = prefillS * prefillAccW() + decodeS * decodeAccW();
      return spec.metric === "offline-accelerator-watts-per-chip" ? joules / (prefillS + decodeS) : joules;
    }
    case "decode-it-watts-per-chip":
      return need(energy.decode, spec, "decode estimate").itWattsPerChip.value;
    default: {
      const never: never = spec.metric;
      return never;
    }
  }
}

/**
 * One energy case, predicted.
 * @example predictEnergyCase(energyCaseSpecs()[0]!).predicted // J per output token
 */
export function predictEnergyCase(
  spec: EnergyCaseSpec,
  cache: EnergyEstimateCache = new Map(),
): EnergyReferenceCase {
  const key = scenarioCaseKey(spec);
  let hit = cache.get(key);
  if (hit === undefined) {
    const scenario = scenarioOfCase(spec);
    const e = estimate(scenario);
    hit = { scenario, e, energy: estimateEnergy(scenario, e) };
    cache.set(key, hit);
  }
  const phase = spec.metric.startsWith("prefill") ? "prefill" : "decode";
  return {
    ...scenarioCaseResult(spec, energyMetricValue(spec, hit), operatingPoint(hit.scenario, phase)),
    vendor: hit.scenario.system.vendor,
  };
}

/** Every energy reference case, predicted. */
export function energyReferenceCases(): EnergyReferenceCase[] {
  const cache: EnergyEstimateCache = new Map();
  return energyCaseSpecs().map((spec) => predictEnergyCase(spec, cache));
}
