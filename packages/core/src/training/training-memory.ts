/**
 * Memory per rank of a training job, per pipeline stage: parameters, gradients and optimizer
 * states (sharded by ZeRO stage over the data-parallel group, as in Rajbhandari et al. 2020,
 * "ZeRO", arXiv:1910.02054 §5: (2 + 2 + K)·Ψ with K = 12 for mixed-precision Adam), activations of
 * the micro-batches in flight under the pipeline schedule, and buffers (fp32 logits of the loss,
 * ZeRO-3's gathered layers). Says whether the worst stage fits the device and by how much not.
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { layerArchitecture, layerKind } from "../model/index.ts";
import { computeDevice } from "../perf/index.ts";
import { activationBytesPerToken, trainingActivationOptions } from "./activation-memory.ts";
import { offloadedActivationBytes } from "./activation-offload.ts";
import { stageLayerCounts } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface ModelStateOptions {
  /** HSDP instances: parameters and gradients sharded over shards ÷ this (default 1). */
  readonly instances?: number;
  readonly zero: 0 | 1 | 2 | 3;
  /** Ranks the states are sharded over. */
  readonly shards: number;
  readonly params: Dtype;
  readonly gradients: Dtype;
  readonly optimizerStates: Dtype;
  readonly masterWeights: boolean;
}

export interface ModelStateBytes {
  readonly params: number;
  readonly gradients: number;
  readonly optimizer: number;
}

/**
 * Parameter, gradient and Adam-state bytes of Ψ parameters on one rank (ZeRO's formulas).
 * @example modelStateBytes(7.5e9, { zero: 1, shards: 64, params: "bf16", gradients: "bf16", optimizerStates: "fp32", masterWeights: true }) // 31.4 GB in all
 */
export function modelStateBytes(psi: number, o: ModelStateOptions): ModelStateBytes {
  const k = 2 * DTYPE_BYTES[o.optimizerStates] + (o.masterWeights ? 4 : 0);
  const n = Math.max(1, o.shards);
  const inner = Math.max(1, n / (o.instances ?? 1));
  return {
    params: (psi * DTYPE_BYTES[o.params]) / (o.zero >= 3 ? inner : 1),
    gradients: (psi * DTYPE_BYTES[o.gradients]) / (o.zero >= 2 ? inner : 1),
    optimizer: (psi * k) / (o.zero >= 1 ? n : 1),
  };
}

export interface StageMemory extends ModelStateBytes {
  readonly stage: number;
  readonly activations: number;
  /** Activation bytes kept in host memory instead (`activation-offload.ts`; not in activations or total). */
  readonly offloaded: number;
  readonly buffers: number;
  readonly total: number;
  /** Micro-batches whose activations the stage holds at its peak. */
  readonly inFlight: number;
}

export interface TrainingMemory {
  readonly stages: readonly StageMemory[];
  /** The stage needing the most memory. */
  readonly worst: StageMemory;
  readonly capacityBytes: number;
  readonly fits: boolean;
  /** Bytes over capacity on the worst stage (0 when it fits). */
  readonly overBytes: number;
}

/** Micro-batches in flight on stage i (activation units of one micro-batch through the stage). */
export function inFlightMicrobatches(s: TrainingScenario, stage: number): number {
  const { pp, virtualStages: v, microBatches: m, schedule } = s.layout;
  switch (schedule) {
    case "gpipe":
      return m;
    case "1f1b":
    case "zero-bubble":
      return Math.min(m, pp - stage);
    case "interleaved":
      return Math.min(m, pp - stage + (pp - 1) / v);
    case "dualpipe":
      return Math.min(m, pp + 1);
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
}

/**
 * Memory per rank of every stage.
 * @example trainingMemory(scenario).worst.total
 */
export function trainingMemory(s: TrainingScenario): TrainingMemory {
  const arch = s.model;
  const { tp, cp, dp, zero } = s.layout;
  const p = s.precision;
  const params = stageParams(s);
  const counts = stageLayerCounts(arch.numLayers, s.layout.pp);
  const tokens = (s.batch.microBatch * s.batch.sequenceLength) / cp;
  const act = trainingActivationOptions(s);
  const stages: StageMemory[] = [];
  let first = 0;
  for (const [stage, count] of counts.entries()) {
    const sp = params[stage];
    if (sp === undefined) continue;
    const opts = {
      zero,
      params: p.params,
      gradients: p.gradients,
      optimizerStates: p.optimizerStates,
      masterWeights: p.masterWeights,
      instances: s.layout.optimizerInstances,
    };
    const dense = modelStateBytes(sp.densePerRank, { ...opts, shards: dp * cp });
    const experts = modelStateBytes(sp.expertsPerRank, { ...opts, shards: s.layout.expertDp });
    // DualPipe holds two pipeline chunks' parameters (DeepSeek-V3 Table 2: 2× parameters).
    const copies = s.layout.schedule === "dualpipe" ? 2 : 1;
    let perMicrobatch = 0;
    let moeLayers = 0;
    for (let i = first; i < first + count; i++) {
      const kind = layerKind(arch, i);
      perMicrobatch += activationBytesPerToken(layerArchitecture(arch, i), kind, act, i) * tokens;
      if (kind === "moe") moeLayers++;
    }
    first += count;
    const inFlight = inFlightMicrobatches(s, stage);
    const offloaded = offloadedActivationBytes(s, tokens, moeLayers, inFlight);
    // Full recompute rebuilds one layer's activations at a time during backward.
    const working =
      s.recompute === "full"
        ? activationBytesPerToken(arch, layerKind(arch, 0), { ...act, recompute: "none" }) * tokens
        : 0;
    const activations = perMicrobatch * inFlight + working - offloaded;
    let buffers = 0;
    // fp32 logits and their gradient for the loss (vocabulary split over tp).
    if (stage === counts.length - 1) buffers += (tokens * arch.vocabSize * 4 * 2) / tp;
    // ZeRO-3 gathers a layer's parameters before use (one in use, one prefetched).
    if (zero === 3 && count > 0) buffers += 2 * (sp.perRank / count) * DTYPE_BYTES[p.params];
    const paramsBytes = (dense.params + experts.params) * copies;
    const gradients = dense.gradients + experts.gradients;
    const optimizer = dense.optimizer + experts.optimizer;
    stages.push({
      stage,
      params: paramsBytes,
      gradients,
      optimizer,
      activations,
      offloaded,
      buffers,
      inFlight,
      total: paramsBytes + gradients + optimizer + activations + buffers,
    });
  }
  let worst = stages[0] as StageMemory;
  for (const st of stages) if (st.total > worst.total) worst = st;
  const capacityBytes = computeDevice(s.system.node.accelerator.chip).memoryCapacityBytes.value;
  return {
    stages,
    worst,
    capacityBytes,
    fits: worst.total <= capacityBytes,
    overBytes: Math.max(0, worst.total - capacityBytes),
  };
}
