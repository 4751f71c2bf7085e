/**
 * The Estimate view's data: core's `estimate(parseScenario(text))` reduced to what the page
 * shows — headline figures per phase, the step-time breakdown by operator group, memory per chip
 * and the bound. Invalid scenarios throw core's `SupernodeError` (the message the CLI prints).
 */
import {
  type BreakdownPart,
  describePrecision,
  estimate,
  estimateEnergy,
  type NearestReference,
  nearestReferences,
  type PhaseEstimate,
  parseScenario,
  stepBreakdown,
} from "@supernode/core";
import { type AssumptionView, assumptionViews, type EnergyView, energyView } from "./energy-view.ts";

export type { BreakdownPart };

export interface PhaseView {
  readonly role: "prefill" | "decode" | "colocated";
  readonly instances: number;
  readonly chipsPerInstance: number;
  readonly ranksPerInstance: number;
  readonly stepS: number;
  /** TPOT (decode) or TTFT (prefill). */
  readonly latencyS: number;
  readonly latencyLabel: "TPOT" | "TTFT";
  readonly tokensPerSPerChip: number;
  readonly tokensPerSPerInstance: number;
  readonly bound: string;
  readonly breakdown: readonly BreakdownPart[];
  /** Σ breakdown − step time: what microbatch overlap hides (0 without overlap). */
  readonly overlapHiddenS: number;
  readonly memory: readonly { readonly id: string; readonly label: string; readonly bytes: number }[];
  readonly memoryCapacityBytes: number;
  readonly imbalance: { readonly factor: number; readonly basis: string };
  readonly operatingPoint: string;
  /** Energy and cost at this operating point (docs/energy.md). */
  readonly energy?: EnergyView;
  /** The nearest published end-to-end case of each figure and the model's error there. */
  readonly references: readonly NearestReference[];
}

export interface EstimateView {
  readonly name: string;
  readonly system: string;
  readonly chip: string;
  readonly model: string;
  readonly precision: string;
  readonly source?: { readonly title: string; readonly url: string; readonly section?: string };
  readonly phases: readonly PhaseView[];
  readonly defaulted: readonly string[];
  /** The power and cost assumptions behind every energy figure. */
  readonly energyAssumptions: readonly AssumptionView[];
}

function phaseView(
  p: PhaseEstimate,
  extra: {
    latencyS: number;
    latencyLabel: "TPOT" | "TTFT";
    tokensPerSPerChip: number;
    tokensPerSPerInstance: number;
    operatingPoint: string;
    energy?: EnergyView | undefined;
    references: readonly NearestReference[];
  },
): PhaseView {
  const step = p.step;
  const breakdown = stepBreakdown(p);
  const total = breakdown.reduce((s, b) => s + b.seconds, 0);
  const m = p.memory;
  return {
    role: p.role,
    instances: p.instances,
    chipsPerInstance: p.chipsPerInstance,
    ranksPerInstance: p.ranksPerInstance,
    stepS: step.stepS,
    bound: p.bound,
    breakdown,
    overlapHiddenS: Math.max(0, total - step.stepS),
    memory: [
      { id: "weights", label: "weights", bytes: m.weightsBytes },
      { id: "kv", label: "KV cache", bytes: m.kvCacheBytes },
      { id: "comm", label: "communication buffers", bytes: m.communicationBuffersBytes },
      { id: "activations", label: "activations", bytes: m.activationsBytes },
      { id: "free", label: "free", bytes: Math.max(0, m.freeBytes) },
    ],
    memoryCapacityBytes: m.capacityBytes,
    imbalance: step.imbalance,
    latencyS: extra.latencyS,
    latencyLabel: extra.latencyLabel,
    tokensPerSPerChip: extra.tokensPerSPerChip,
    tokensPerSPerInstance: extra.tokensPerSPerInstance,
    operatingPoint: extra.operatingPoint,
    references: extra.references,
    ...(extra.energy !== undefined ? { energy: extra.energy } : {}),
  };
}

/**
 * @example estimateJob({ text, fileName: "decode.yaml" }).phases[0].tokensPerSPerChip // ≈ 1,943 on the CM384 decode example
 */
export function estimateJob(request: { readonly text: string; readonly fileName: string }): EstimateView {
  const scenario = parseScenario(request.text, request.fileName);
  const e = estimate(scenario);
  const en = estimateEnergy(scenario, e);
  const refs = nearestReferences(scenario, e);
  const phases: PhaseView[] = [];
  if (e.prefill !== undefined)
    phases.push(
      phaseView(e.prefill, {
        latencyS: e.prefill.ttftS,
        latencyLabel: "TTFT",
        tokensPerSPerChip: e.prefill.tokensPerSPerChip,
        tokensPerSPerInstance: e.prefill.tokensPerSPerInstance,
        operatingPoint: `${e.prefill.tokensPerChip.toLocaleString("en-US")} tokens per chip, ${e.prefill.promptLength.toLocaleString("en-US")}-token prompts`,
        energy: energyView(en.prefill, "input", e.prefill.tokensPerSPerChip),
        references: refs.filter((r) => r.result === "prefill-throughput"),
      }),
    );
  if (e.decode !== undefined)
    phases.push(
      phaseView(e.decode, {
        latencyS: e.decode.tpotS,
        latencyLabel: "TPOT",
        tokensPerSPerChip: e.decode.tokensPerSPerChip,
        tokensPerSPerInstance: e.decode.tokensPerSPerInstance,
        operatingPoint: `batch ${e.decode.batchPerChip} per chip, KV ${e.decode.kvLength.toLocaleString("en-US")}, ${e.decode.tokensPerStepPerSequence.toFixed(2)} tokens per step`,
        energy: energyView(en.decode, "output", e.decode.tokensPerSPerChip),
        references: refs.filter((r) => r.result !== "prefill-throughput"),
      }),
    );
  return {
    name: e.scenario.name,
    system: e.scenario.systemName,
    chip: e.scenario.chip,
    model: e.scenario.model,
    precision: describePrecision(e.scenario.precision),
    ...(e.scenario.source === undefined ? {} : { source: e.scenario.source }),
    phases,
    defaulted: e.defaulted,
    energyAssumptions: assumptionViews(en.assumptions),
  };
}
