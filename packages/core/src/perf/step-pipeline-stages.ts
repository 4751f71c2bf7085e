/**
 * The pipeline-parallel part of an instance step (step-pipeline.ts): the batch split into M
 * microbatches, each stage running its layers on its ranks, a microbatch's hidden state and residual
 * sent to the next stage (each TP rank its 1/TP slice, the receiving stage all-gathers, as vLLM
 * does) over the scale-up fabric inside a system and the scale-out fabric across systems. A decode
 * cycle takes max(M × slowest stage, one microbatch's loop through every stage and back); prefill
 * streams microbatches.
 */
import type { PipelinePlan } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { collectiveTime } from "../network/index.ts";
import type { StepBatch, StepContext } from "./step-context.ts";

export interface PipelineTransfer {
  readonly fromStage: number;
  readonly toStage: number;
  /** Bytes each sending rank moves per microbatch. */
  readonly bytesPerRank: number;
  readonly sendS: number;
  /** All-gather of the slices on the receiving stage (0 without TP). */
  readonly allGatherS: number;
  readonly over: string;
}

export interface PipelineStep {
  readonly stages: number;
  readonly microbatches: number;
  readonly layersPerStage: readonly number[];
  /** Busy time of each stage per microbatch. */
  readonly stageTimesS: readonly number[];
  readonly transfers: readonly PipelineTransfer[];
  /** Sampled tokens back from the last stage to the first (decode). */
  readonly returnS: number;
  /** One microbatch through every stage and transfer. */
  readonly loopS: number;
  /** M × the slowest stage. */
  readonly occupancyS: number;
  /** The step: decode max(loop, occupancy); prefill the occupancy (microbatches stream). */
  readonly cycleS: number;
  /** Prefill: time to the first token of a batch entering an idle pipeline; decode: the cycle. */
  readonly latencyS: number;
  /** Cycle minus the mean stage's busy time, and as a share of the cycle. */
  readonly bubbleS: number;
  readonly bubbleFraction: number;
}

/** The pipeline timing of a step whose stages take `stageTimesS` per microbatch `mb`. */
export function pipelineTiming(
  ctx: StepContext,
  pp: PipelinePlan,
  stage: StepContext,
  stageTimesS: readonly number[],
  mb: StepBatch,
): PipelineStep {
  const { scenario, plan } = ctx;
  const system = scenario.system;
  const arch = scenario.model;
  const r = plan.ranksPerChip;
  const perNode = system.node.accelerator.count.value;
  const perSystem = perNode * system.nodes.value;
  const tp = stage.plan.attention.tp;
  const dp = stage.plan.attention.dp;
  const q = mb.phase === "decode" && plan.mtp !== undefined ? 1 + plan.mtp.draftTokens : 1;
  const tokens = (mb.phase === "decode" ? mb.sequences * q : mb.newTokens) / dp;
  // Hidden state and residual in BF16 (vLLM / SGLang IntermediateTensors).
  const groupBytes = tokens * arch.hiddenSize * DTYPE_BYTES.bf16 * 2;
  const send = (fromChip: number, toChip: number, bytes: number) => {
    const crossSystem = Math.floor(fromChip / perSystem) !== Math.floor(toChip / perSystem);
    const crossNode = Math.floor(fromChip / perNode) !== Math.floor(toChip / perNode);
    const ranks = crossSystem ? perSystem * r + 1 : crossNode ? perNode * r + 1 : 2;
    const over = crossSystem ? system.scaleOut.technology : system.scaleUp.technology;
    return { timeS: collectiveTime(scenario.fabricTarget, { op: "send-recv", bytes, ranks }).timeS, over };
  };
  const transfers: PipelineTransfer[] = [];
  for (let s = 0; s + 1 < pp.stages; s++) {
    const boundary = (s + 1) * pp.chipsPerStage;
    const bytesPerRank = groupBytes / tp;
    const x = send(boundary - 1, boundary, bytesPerRank);
    const allGatherS =
      tp > 1
        ? stage.comm.collective("attention-comm", "pp.all_gather", "all-gather", groupBytes, tp).timeS
        : 0;
    transfers.push({ fromStage: s, toStage: s + 1, bytesPerRank, sendS: x.timeS, allGatherS, over: x.over });
  }
  const returnS =
    mb.phase === "decode" && pp.stages > 1
      ? send((pp.stages - 1) * pp.chipsPerStage, 0, mb.sequences * 8).timeS
      : 0;
  let sum = 0;
  let slowest = 0;
  for (const t of stageTimesS) {
    sum += t;
    slowest = Math.max(slowest, t);
  }
  let transferS = 0;
  for (const x of transfers) transferS += x.sendS + x.allGatherS;
  const loopS = sum + transferS + returnS;
  const occupancyS = pp.microbatches * slowest;
  const cycleS = mb.phase === "decode" ? Math.max(loopS, occupancyS) : occupancyS;
  const latencyS = mb.phase === "decode" ? cycleS : sum + transferS + (pp.microbatches - 1) * slowest;
  const busy = (pp.microbatches * sum) / pp.stages;
  return {
    stages: pp.stages,
    microbatches: pp.microbatches,
    layersPerStage: pp.layersPerStage,
    stageTimesS,
    transfers,
    returnS,
    loopS,
    occupancyS,
    cycleS,
    latencyS,
    bubbleS: cycleS - busy,
    bubbleFraction: (cycleS - busy) / cycleS,
  };
}
