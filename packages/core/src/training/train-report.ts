/**
 * The plain-data result of `supernode train` (what `--json` prints, SI units): the scenario in
 * brief, the step and its breakdown, throughput and MFU, memory per rank, time to train, goodput
 * at the job's size and versus size, and the blast radius of one failed chip.
 */

import type { SustainedClock } from "../perf/index.ts";
import { computeDevice } from "../perf/index.ts";
import { type BlastRadius, blastRadius } from "./blast-radius.ts";
import { type Goodput, goodput, goodputCurve, goodputInputs } from "./goodput.ts";
import { type TrainEstimate, trainEstimate } from "./train-estimate.ts";
import type { TrainingLayout, TrainingPrecision, TrainingScenario } from "./training-scenario.ts";

export interface TrainReport {
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly system: string;
    readonly fabric: string;
    readonly chips: number;
    readonly systems: number;
    readonly model: string;
    readonly precision: TrainingPrecision;
    readonly layout: TrainingLayout;
    readonly batch: TrainingScenario["batch"];
    readonly recompute: TrainingScenario["recompute"];
  };
  readonly stepS: number;
  readonly breakdown: TrainEstimate["breakdown"];
  readonly bottleneckStage: number;
  readonly tokensPerS: number;
  readonly tokensPerSPerChip: number;
  readonly modelFlopsPerToken: number;
  readonly modelFlopsPerSPerChip: number;
  readonly mfu: number;
  readonly mfuComputeDtype: number;
  readonly mfuCausalAttention: number;
  readonly memory: TrainEstimate["memory"];
  /** The SM clock a training load sustains under the power limit (absent: not modelled for the chip). */
  readonly sustainedClock?: SustainedClock;
  readonly train?: TrainEstimate["train"] & {
    /** Wall time and chip-hours once goodput (failures, checkpoints, restarts) is counted. */
    readonly secondsWithFailures: number;
    readonly chipHoursWithFailures: number;
  };
  readonly goodput: Goodput & {
    readonly checkpointBytes: number;
    readonly failuresPerChipHour: number;
    readonly checkpointWriteBytesPerS: number;
    readonly restartS: number;
  };
  readonly goodputCurve: readonly Goodput[];
  readonly blastRadius: BlastRadius;
}

/**
 * Runs the estimate and the reliability model for a training scenario.
 * @example const r = trainReport(parseTrainingScenario(text, "job.yaml")); r.mfu; r.goodput.goodput
 */
export function trainReport(s: TrainingScenario, estimate: TrainEstimate = trainEstimate(s)): TrainReport {
  const inputs = goodputInputs(s);
  const g = goodput(inputs);
  const system = s.system;
  const chipsPerSystem = system.nodes.value * system.node.accelerator.count.value;
  // The smallest unit the job can drop and go on: one pipeline of tp × pp ranks per context or
  // expert-parallel rank (EP groups span data-parallel ranks, so an EP group goes whole).
  const { tp, pp, cp, ep } = s.layout;
  const replicaRanks = tp * pp * Math.max(cp, ep);
  const replicaChips = Math.max(
    1,
    Math.ceil(replicaRanks / computeDevice(system.node.accelerator.chip).devicesPerChip),
  );
  const target = s.fabricTarget;
  const train =
    estimate.train !== undefined
      ? {
          ...estimate.train,
          secondsWithFailures: estimate.train.seconds / g.goodput,
          chipHoursWithFailures: estimate.train.chipHours / g.goodput,
        }
      : undefined;
  return {
    scenario: {
      name: s.name,
      file: s.fileName,
      system: system.id,
      fabric: "fabric" in target ? (target.fabric.id ?? "cluster fabric") : `${system.id} (one system)`,
      chips: s.chips,
      systems: s.systems,
      model: s.model.id,
      precision: s.precision,
      layout: s.layout,
      batch: s.batch,
      recompute: s.recompute,
    },
    stepS: estimate.stepS,
    breakdown: estimate.breakdown,
    bottleneckStage: estimate.bottleneckStage,
    tokensPerS: estimate.tokensPerS,
    tokensPerSPerChip: estimate.tokensPerSPerChip,
    modelFlopsPerToken: estimate.modelFlopsPerToken,
    modelFlopsPerSPerChip: estimate.modelFlopsPerSPerChip,
    mfu: estimate.mfu,
    mfuComputeDtype: estimate.mfuComputeDtype,
    mfuCausalAttention: estimate.mfuCausalAttention,
    memory: estimate.memory,
    ...(estimate.compute.sustainedClock !== undefined
      ? { sustainedClock: estimate.compute.sustainedClock }
      : {}),
    ...(train !== undefined ? { train } : {}),
    goodput: {
      ...g,
      checkpointBytes: inputs.checkpointBytes,
      failuresPerChipHour: inputs.failuresPerChipHour,
      checkpointWriteBytesPerS: inputs.checkpointWriteBytesPerS,
      restartS: inputs.restartS,
    },
    goodputCurve: goodputCurve(s),
    blastRadius: blastRadius(system.node.accelerator.count.value, chipsPerSystem, replicaChips),
  };
}
