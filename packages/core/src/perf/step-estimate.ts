/**
 * `estimate(scenario)`: the step model at the scenario's operating point, as plain data — prefill
 * and decode step breakdowns, TPOT, TTFT, tokens/s per chip and per instance, memory per chip and
 * the bound. A deployment that does not fit in HBM fails with what it needs and what it has.
 */
import {
  decodeSequences,
  type InstancePlan,
  type InstanceRole,
  type Precision,
  randomPlacementOccupancy,
  type Scenario,
} from "../deploy/index.ts";
import { type DisaggregatedThroughput, disaggregatedThroughput } from "./disaggregated-throughput.ts";
import { hostTiming, type IterationKind } from "./host-time.ts";
import { type MemoryPerChip, memoryPerChip } from "./memory-per-chip.ts";
import { atOfflineBatch } from "./offline-batch.ts";
import { type OfflineEstimate, offlineSearch } from "./offline-point.ts";
import { scenarioProfile } from "./step-context.ts";
import { type StepBound, stepContext } from "./step-model.ts";
import { type InstanceStep, instanceStepTime } from "./step-pipeline.ts";
import { workloadShape } from "./workload-shape.ts";

export { type MemoryPerChip, memoryPerChip } from "./memory-per-chip.ts";

export interface PhaseEstimate {
  readonly role: InstanceRole;
  readonly instances: number;
  readonly chipsPerInstance: number;
  readonly ranksPerInstance: number;
  readonly step: InstanceStep;
  readonly memory: MemoryPerChip;
  readonly bound: StepBound;
}

export interface DecodeEstimate extends PhaseEstimate {
  readonly batchPerChip: number;
  /**
   * Time-averaged fraction of the batch's slots that hold a request: below 1 when requests in
   * flight are placed on attention-DP ranks at random (`requestsInFlight`); throughput counts it.
   */
  readonly slotOccupancy: number;
  readonly kvLength: number;
  readonly tokensPerStepPerSequence: number;
  readonly tpotS: number;
  readonly tokensPerSPerChip: number;
  readonly tokensPerSPerInstance: number;
}

export interface PrefillEstimate extends PhaseEstimate {
  readonly tokensPerChip: number;
  readonly promptLength: number;
  /** Time to first token of a prompt in a full prefill iteration (no queueing). */
  readonly ttftS: number;
  readonly tokensPerSPerChip: number;
  readonly tokensPerSPerInstance: number;
}

export interface Estimate {
  readonly scenario: {
    readonly name: string;
    readonly fileName: string;
    readonly system: string;
    readonly systemName: string;
    readonly chip: string;
    readonly model: string;
    readonly precision: Precision;
    readonly source?: { readonly title: string; readonly url: string; readonly section?: string };
    /** The serving engine's recorded release and its policies (modelled or recorded only). */
    readonly engine?: {
      readonly name: string;
      readonly release: string;
      readonly policies: ReadonlyArray<{ policy: string; value: string; source: string; modelled: boolean }>;
      /** Efficiency overlays of its kernel backends applied over the chip's profile (perf/engine-overlay.ts). */
      readonly efficiencyOverlays: readonly string[];
    };
  };
  readonly prefill?: PrefillEstimate;
  readonly decode?: DecodeEstimate;
  /** Headline figures (from the decode / prefill estimates above). */
  readonly tpotS?: number;
  readonly ttftS?: number;
  readonly decodeTokensPerSPerChip?: number;
  readonly prefillTokensPerSPerChip?: number;
  /** The offline point (scenarios with an `offline` section): the batch search and its best batch. */
  readonly offline?: OfflineEstimate;
  /**
   * A prefill and a decode group with a workload (its mean output length): both pools rate-matched,
   * output tokens/s per chip of both (disaggregated-throughput.ts).
   */
  readonly disaggregated?: DisaggregatedThroughput;
  /** Efficiency or overhead parameters that fell back to documented defaults (flagged in output). */
  readonly defaulted: readonly string[];
}

/** The step with the engine's host time of the iteration (host-time.ts) folded into stepS. */
function withHostStep(
  scenario: Scenario,
  plan: InstancePlan,
  sequences: number,
  step: InstanceStep,
  kind: IterationKind,
): InstanceStep {
  const host = hostTiming(scenario, plan, sequences, step.stepS, kind);
  if (host.hostS === 0 && host.addedS === 0) return step;
  return {
    ...step,
    host,
    stepS: step.stepS + host.addedS,
    timeByBound: { ...step.timeByBound, overhead: step.timeByBound.overhead + host.addedS },
  };
}

/** What the decode and prefill estimates share: the instances, the step and the memory per chip. */
function phaseEstimate(plan: InstancePlan, step: InstanceStep, memory: MemoryPerChip): PhaseEstimate {
  return {
    role: plan.role,
    instances: plan.instances,
    chipsPerInstance: plan.chipsPerInstance,
    ranksPerInstance: plan.ranksPerInstance,
    step,
    memory,
    bound: step.bound,
  };
}

function decodeEstimate(scenario: Scenario, plan: InstancePlan): DecodeEstimate {
  // Memory first: a deployment that does not fit is refused before its step is timed (a search
  // meets one such batch per layout).
  const memory = memoryPerChip(scenario, plan);
  const ctx = stepContext(scenario, plan);
  const sequences = decodeSequences(plan);
  const gpuStep = instanceStepTime(ctx, {
    phase: "decode",
    sequences,
    kvTokens: sequences * (plan.kvLength ?? 0),
  });
  const step = withHostStep(scenario, plan, sequences, gpuStep, "decode");
  const tokensPerStep = plan.mtp?.tokensPerStep ?? 1;
  const occupancy = slotOccupancy(plan);
  const perChip = ((plan.batchPerChip ?? 0) * occupancy * tokensPerStep) / step.stepS;
  return {
    ...phaseEstimate(plan, step, memory),
    batchPerChip: plan.batchPerChip ?? 0,
    slotOccupancy: occupancy,
    kvLength: plan.kvLength ?? 0,
    tokensPerStepPerSequence: tokensPerStep,
    tpotS: step.stepS / tokensPerStep,
    tokensPerSPerChip: perChip,
    tokensPerSPerInstance: perChip * plan.chipsPerInstance,
  };
}

/**
 * Fraction of the decode batch's slots that hold a request (1 unless the scenario gives
 * `requestsInFlight`). The step is timed at the full batch: the fullest rank, which sets it for
 * every rank of the instance, is almost always at its batch.
 */
function slotOccupancy(plan: InstancePlan): number {
  const inFlight = plan.requestsInFlight;
  if (inFlight === undefined) return 1;
  const ranks = plan.attention.dp;
  const slotsPerRank = decodeSequences(plan) / ranks;
  if (slotsPerRank <= 0) return 1;
  return randomPlacementOccupancy({ ranks, slotsPerRank, requests: inFlight.count });
}

function prefillEstimate(scenario: Scenario, plan: InstancePlan): PrefillEstimate {
  const memory = memoryPerChip(scenario, plan);
  const ctx = stepContext(scenario, plan);
  const p = plan.promptLength ?? 1;
  const newTokens = (plan.tokensPerChip ?? 0) * plan.chipsPerInstance;
  const sequences = newTokens / p;
  const gpuStep = instanceStepTime(ctx, {
    phase: "prefill",
    sequences,
    newTokens,
    attendedTokenPairs: (sequences * p * (p + 1)) / 2,
  });
  const step = withHostStep(scenario, plan, sequences, gpuStep, "mixed");
  const perChip = (plan.tokensPerChip ?? 0) / step.stepS;
  return {
    ...phaseEstimate(plan, step, memory),
    tokensPerChip: plan.tokensPerChip ?? 0,
    promptLength: p,
    // With pipeline stages the first token waits for the batch to cross every stage.
    ttftS: step.pipeline?.latencyS ?? step.stepS,
    tokensPerSPerChip: perChip,
    tokensPerSPerInstance: perChip * plan.chipsPerInstance,
  };
}

/**
 * Estimates a scenario at its operating point.
 * @example const e = estimate(parseScenario(text, "decode.yaml")); e.decode?.tpotS; e.decode?.tokensPerSPerChip
 */
export function estimate(written: Scenario): Estimate {
  const offline = written.offline !== undefined ? offlineSearch(written) : undefined;
  const scenario =
    offline !== undefined ? atOfflineBatch(written, offline.best.sequencesPerInstance) : written;
  const d = scenario.deployment;
  const decodePlan = d.decode ?? d.colocated;
  const prefillPlan = d.prefill ?? d.colocated;
  const decode = decodePlan !== undefined ? decodeEstimate(scenario, decodePlan) : undefined;
  const prefill = prefillPlan !== undefined ? prefillEstimate(scenario, prefillPlan) : undefined;
  const output = workloadShape(scenario)?.outputTokens;
  const disaggregated =
    d.prefill !== undefined && d.decode !== undefined && prefill !== undefined && decode !== undefined
      ? disaggregatedThroughput(prefill, decode, output ?? 0)
      : undefined;
  const defaulted = new Set<string>([...(decode?.step.defaulted ?? []), ...(prefill?.step.defaulted ?? [])]);
  const chip = scenario.system.node.accelerator.chip;
  const anyPlan = decodePlan ?? prefillPlan;
  const overlays = anyPlan !== undefined ? (scenarioProfile(scenario).engineOverlays ?? []) : [];
  return {
    scenario: {
      name: scenario.name,
      fileName: scenario.fileName,
      system: scenario.system.id,
      systemName: scenario.system.name,
      chip: chip.id,
      model: scenario.model.id,
      precision: scenario.precision,
      ...(scenario.engine !== undefined
        ? {
            engine: {
              name: scenario.engine.displayName,
              release: scenario.engine.release,
              policies: scenario.engine.policies,
              efficiencyOverlays: overlays,
            },
          }
        : {}),
      ...(scenario.source !== undefined
        ? {
            source: {
              title: scenario.source.title,
              url: scenario.source.url,
              ...(scenario.source.section !== undefined ? { section: scenario.source.section } : {}),
            },
          }
        : {}),
    },
    ...(prefill !== undefined ? { prefill } : {}),
    ...(decode !== undefined ? { decode } : {}),
    ...(decode !== undefined
      ? { tpotS: decode.tpotS, decodeTokensPerSPerChip: decode.tokensPerSPerChip }
      : {}),
    ...(prefill !== undefined
      ? { ttftS: prefill.ttftS, prefillTokensPerSPerChip: prefill.tokensPerSPerChip }
      : {}),
    ...(offline !== undefined ? { offline } : {}),
    ...(disaggregated !== undefined ? { disaggregated } : {}),
    defaulted: [...defaulted].sort(),
  };
}
