/**
 * The data of a serving report (`supernode report`, `npm start`): for each scenario its estimate
 * with energy and cost, the decode operating point at a TPOT SLO, the step-time breakdown, the
 * published reference cases of that scenario with the model's error, and each system's power and
 * cost assumptions; plus the comparison of the scenarios' systems. Plain data; the CLI renders it
 * as one self-contained HTML file.
 */
import { parseScenario, type Scenario, type ScenarioCatalog } from "../deploy/index.ts";
import {
  type DeploymentEnergy,
  type EnergyAssumption,
  type EstimateEnergy,
  estimateEnergy,
  type SystemPowerCheck,
} from "../energy/index.ts";
import { compareSystems, type System, type SystemComparison } from "../hardware/index.ts";
import { type Estimate, estimate, type PhaseEstimate } from "../perf/index.ts";
import type { ScenarioOverride } from "../spec/index.ts";
import { decodeAtTpotSlo } from "./slo-operating-point.ts";
import { type EndToEndReferenceCase, endToEndReferenceCases } from "./validate-end-to-end.ts";

export interface ReportScenarioInput {
  readonly text: string;
  readonly fileName: string;
}

/** One phase of one scenario at one operating point. */
export interface ServingPoint {
  readonly scenario: string;
  readonly fileName: string;
  readonly system: string;
  readonly systemName: string;
  readonly phase: "decode" | "prefill";
  /** What the operating point is ("as written", "largest batch with TPOT ≤ 50 ms"). */
  readonly point: string;
  readonly operatingPoint: string;
  /** TPOT (decode) or TTFT (prefill), s. */
  readonly latencyS: number;
  readonly tokensPerSPerChip: number;
  /** Tokens/s per chip × accelerators in one system. */
  readonly tokensPerSPerSystem: number;
  /** Tokens/s per chip ÷ facility kW per chip. */
  readonly tokensPerSPerKW: number;
  readonly bound: string;
  readonly energy: DeploymentEnergy;
  /** Efficiency parameters that fell back to documented defaults (no microbenchmark for the chip). */
  readonly defaulted: readonly string[];
}

export interface BreakdownPart {
  readonly id: string;
  readonly label: string;
  readonly seconds: number;
}

export interface StepBreakdownView {
  readonly label: string;
  readonly stepS: number;
  readonly parts: readonly BreakdownPart[];
}

export interface SystemAssumptions {
  readonly system: string;
  readonly systemName: string;
  readonly assumptions: readonly EnergyAssumption[];
  readonly power: SystemPowerCheck;
}

export interface ServingReport {
  readonly comparison?: SystemComparison;
  readonly points: readonly ServingPoint[];
  readonly sloS: number;
  readonly breakdowns: readonly StepBreakdownView[];
  readonly references: readonly EndToEndReferenceCase[];
  /** Scenarios with no published reference case. */
  readonly unreferenced: readonly string[];
  readonly systems: readonly SystemAssumptions[];
}

const GROUP_LABELS: Readonly<Record<string, string>> = {
  attention: "attention",
  "attention-comm": "attention TP comm",
  norms: "norms",
  "moe-gate": "MoE gate",
  dispatch: "dispatch",
  experts: "expert GEMMs",
  "shared-experts": "shared experts",
  combine: "combine",
  "dense-ffn": "dense FFN",
  "ffn-comm": "FFN TP comm",
};

/**
 * Seconds per operator group over one step (layers × count, all microbatches and streams), then the
 * per-step costs. With microbatch overlap the parts add up past the step time.
 * @example stepBreakdown(e.decode!).find((p) => p.id === "experts")?.seconds
 */
export function stepBreakdown(p: PhaseEstimate): BreakdownPart[] {
  const step = p.step;
  const byGroup = new Map<string, number>();
  for (const layer of step.layers)
    for (const [group, seconds] of Object.entries(layer.timing.byGroup))
      byGroup.set(group, (byGroup.get(group) ?? 0) + layer.count * (seconds ?? 0));
  const parts: BreakdownPart[] = [...byGroup.entries()]
    .filter(([, s]) => s > 0)
    .map(([id, seconds]) => ({ id, label: GROUP_LABELS[id] ?? id, seconds }));
  for (const [id, label, seconds] of [
    ["pipeline-fill", "pipeline fill", step.pipelineFillS],
    ["head", "embedding + LM head", step.headS],
    ["mtp", "MTP", step.mtpS],
    ["sampling", "sampling", step.samplingS],
    ["graph-launch", "graph launch", step.graphLaunchS],
    ["host-wait", "waiting for the host", step.host?.waitS ?? 0],
    ["piecewise-forward", "piecewise forward (device)", step.host?.piecewiseDeviceS ?? 0],
  ] as const)
    if (seconds > 0) parts.push({ id, label, seconds });
  return parts;
}

function points(scenario: Scenario, e: Estimate, point: string): ServingPoint[] {
  const en = estimateEnergy(scenario, e);
  const chipsPerSystem = scenario.system.nodes.value * scenario.system.node.accelerator.count.value;
  const out: ServingPoint[] = [];
  const add = (
    phase: "decode" | "prefill",
    p: PhaseEstimate,
    energy: DeploymentEnergy | undefined,
    latencyS: number,
    rate: number,
    op: string,
  ) => {
    if (energy === undefined) return;
    out.push({
      scenario: scenario.name,
      fileName: scenario.fileName,
      system: scenario.system.id,
      systemName: scenario.system.name,
      phase,
      point,
      operatingPoint: op,
      latencyS,
      tokensPerSPerChip: rate,
      tokensPerSPerSystem: rate * chipsPerSystem,
      tokensPerSPerKW: rate / (energy.wattsPerChip.value / 1000),
      bound: p.bound,
      energy,
      defaulted: e.defaulted,
    });
  };
  if (e.prefill !== undefined)
    add(
      "prefill",
      e.prefill,
      en.prefill,
      e.prefill.ttftS,
      e.prefill.tokensPerSPerChip,
      `${e.prefill.tokensPerChip} tokens per chip, ${e.prefill.promptLength}-token prompts`,
    );
  if (e.decode !== undefined)
    add(
      "decode",
      e.decode,
      en.decode,
      e.decode.tpotS,
      e.decode.tokensPerSPerChip,
      `batch ${e.decode.batchPerChip} per chip, KV ${e.decode.kvLength}, ${e.decode.tokensPerStepPerSequence.toFixed(2)} tokens per step`,
    );
  return out;
}

const baseName = (file: string) => (file.split(/[\\/]/).pop() ?? file).replace(/\.(ya?ml|json)$/, "");

/**
 * Builds the report data for scenarios (the first scenario's system first in the comparison).
 * @example buildServingReport([{ text, fileName: "examples/cloudmatrix384-deepseek-r1-decode.yaml" }], { sloS: 0.05 })
 */
export function buildServingReport(
  inputs: readonly ReportScenarioInput[],
  options: {
    readonly sloS?: number;
    readonly catalog?: ScenarioCatalog;
    readonly overrides?: readonly ScenarioOverride[];
  } = {},
): ServingReport {
  const sloS = options.sloS ?? 0.05;
  const all: ServingPoint[] = [];
  const breakdowns: StepBreakdownView[] = [];
  const systems = new Map<string, { system: System; energy: EstimateEnergy }>();
  const names = new Set<string>();
  for (const input of inputs) {
    const scenario = parseScenario(input.text, input.fileName, options.catalog, {
      overrides: options.overrides ?? [],
    });
    const e = estimate(scenario);
    all.push(...points(scenario, e, "as written"));
    if (!systems.has(scenario.system.id))
      systems.set(scenario.system.id, { system: scenario.system, energy: estimateEnergy(scenario, e) });
    names.add(baseName(input.fileName));
    for (const [phase, p] of [
      ["prefill", e.prefill],
      ["decode", e.decode],
    ] as const)
      if (p !== undefined)
        breakdowns.push({
          label: `${scenario.name} — ${phase}`,
          stepS: p.step.stepS,
          parts: stepBreakdown(p),
        });
    if (e.decode !== undefined) {
      const slo = decodeAtTpotSlo(input.text, input.fileName, sloS, {
        ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
        overrides: options.overrides ?? [],
      });
      if (slo !== undefined)
        all.push(
          ...points(
            slo.scenario,
            slo.estimate,
            `largest batch with TPOT ≤ ${Math.round(sloS * 1000)} ms`,
          ).filter((p) => p.phase === "decode"),
        );
    }
  }
  const references = endToEndReferenceCases(names);
  const referenced = new Set(references.map((c) => c.scenario));
  const systemList = [...systems.values()];
  return {
    ...(systemList.length > 0 ? { comparison: compareSystems(systemList.map((s) => s.system)) } : {}),
    points: all,
    sloS,
    breakdowns,
    references,
    unreferenced: [...names].filter((n) => !referenced.has(n)),
    systems: systemList.map(({ system, energy }) => ({
      system: system.id,
      systemName: system.name,
      assumptions: Object.values(energy.assumptions),
      power: energy.systemPower,
    })),
  };
}
