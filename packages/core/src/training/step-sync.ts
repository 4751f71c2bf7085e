/**
 * The per-step parts outside the micro-batch loop, on the slowest stage's rank:
 * - data parallelism: gradients reduced over dp × cp (expert gradients over the expert data-parallel
 *   ranks: dp × cp / ep, or tp × cp × dp / ep with the folded expert grid of `etp: 1`) — an
 *   all-reduce under DDP, a reduce-scatter plus a parameter all-gather under ZeRO-1/2; ZeRO-3
 *   gathers parameters per micro-batch in forward and backward and reduce-scatters gradients per
 *   micro-batch. Overlapped (`overlap.gradReduce`, `overlap.paramGather`) means hidden under the
 *   last micro-batch's backward and the first one's forward (ZeRO-3: under each micro-batch).
 * - pipeline send/receive: activations forward and gradients backward cross p − 1 stage
 *   boundaries during fill and drain; steady-state transfers overlap the next micro-batch, except
 *   in Megatron-Core's non-interleaved 1F1B, which blocks on every transfer (Megatron-LM 92c8482e
 *   `schedules.py` refuses `overlap_p2p_comm` there; `p2p_communication._communicate` waits on its
 *   requests and `batch_p2p_sync` synchronises the device): both hops of every micro-batch exposed.
 * - the optimizer: Adam over the rank's shard, memory-bound: read gradients, read and write the
 *   fp32 master weights and both moments, write the bf16 parameters.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { computeDevice, efficiencyProfileForChip } from "../perf/index.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import type { CommPart } from "./microbatch-comm.ts";
import type { StageCompute } from "./stage-compute.ts";
import type { StageParams } from "./stage-params.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface StepSync {
  readonly dp: CommPart;
  /** The part of dp.exposedS outside the micro-batch loop (all of it below ZeRO-3; HSDP's cross-instance step under ZeRO-3). */
  readonly dpStepExposedS: number;
  /** ZeRO-3 exposure per micro-batch (already in dp.exposedS for the whole step). */
  readonly dpPerMicrobatchExposedS: number;
  readonly pp: CommPart;
  readonly optimizerS: number;
}

interface DpCollectives {
  readonly reduce: number;
  readonly gather: number;
  /** HSDP, once per step across the instances: the gradient shards' reduce-scatter and the updated parameters' all-gather. */
  readonly outerReduce: number;
  readonly outerGather: number;
}

function dpCollectives(s: TrainingScenario, params: StageParams): DpCollectives {
  const { tp, cp, dp, expertDp, expertDpStride, zero, optimizerInstances: n } = s.layout;
  const g = DTYPE_BYTES[s.precision.gradients];
  const w = DTYPE_BYTES[s.precision.params];
  const t = s.fabricTarget;
  // Under HSDP the per-micro-batch collectives stay inside an instance (dp × cp ÷ n ranks).
  const denseInner = (dp * cp) / n;
  const expertInner = expertDp / n;
  type Op = "all-reduce" | "reduce-scatter" | "all-gather";
  const time = (op: Op, bytesPerParam: number) =>
    groupCollectiveS(t, op, params.densePerRank * bytesPerParam, denseInner, tp) +
    groupCollectiveS(t, op, params.expertsPerRank * bytesPerParam, expertInner, expertDpStride);
  // Across the instances each rank holds a 1/inner shard; the instances sit inner × stride apart.
  const outer = (op: Op, bytesPerParam: number) =>
    n <= 1
      ? 0
      : groupCollectiveS(t, op, (params.densePerRank * bytesPerParam) / denseInner, n, tp * denseInner) +
        groupCollectiveS(
          t,
          op,
          (params.expertsPerRank * bytesPerParam) / expertInner,
          n,
          expertDpStride * expertInner,
        );
  const across = { outerReduce: outer("reduce-scatter", g), outerGather: outer("all-gather", w) };
  if (zero === 0) return { reduce: time("all-reduce", g), gather: 0, ...across };
  return { reduce: time("reduce-scatter", g), gather: time("all-gather", w), ...across };
}

/**
 * The exposed part of a once-per-step gradient reduction and parameter gather: overlapped, the
 * reduction hides under the last backward and the gather under the first forward.
 */
function onceAStepExposedS(s: TrainingScenario, stage: StageCompute, reduce: number, gather: number): number {
  const reduceExposed = s.overlap.gradReduce
    ? Math.max(0, reduce - stage.backwardDataS - stage.backwardWeightS)
    : reduce;
  const gatherExposed = s.overlap.paramGather ? Math.max(0, gather - stage.forwardS) : gather;
  return reduceExposed + gatherExposed;
}

/**
 * Data-parallel, pipeline and optimizer time of one step.
 * @example stepSync(scenario, stageParams(scenario)[0], pipelineCompute(scenario).bottleneck)
 */
export function stepSync(s: TrainingScenario, params: StageParams, stage: StageCompute): StepSync {
  const m = s.layout.microBatches;
  const { reduce, gather, outerReduce, outerGather } = dpCollectives(s, params);
  let dp: CommPart;
  let dpPerMicrobatchExposedS = 0;
  let dpStepExposedS: number;
  if (s.layout.zero === 3) {
    // Gather before forward and again before backward; reduce-scatter after backward, per micro-batch.
    const perMb = 2 * gather + reduce;
    const hide = s.overlap.paramGather ? stage.forwardS + stage.backwardDataS + stage.backwardWeightS : 0;
    dpPerMicrobatchExposedS = Math.max(0, perMb - hide);
    // HSDP's step across instances, overlapped as the step's collectives below ZeRO-3.
    dpStepExposedS = onceAStepExposedS(s, stage, outerReduce, outerGather);
    dp = {
      totalS: m * perMb + outerReduce + outerGather,
      exposedS: m * dpPerMicrobatchExposedS + dpStepExposedS,
    };
  } else {
    dpStepExposedS = onceAStepExposedS(s, stage, reduce, gather);
    dp = { totalS: reduce + gather, exposedS: dpStepExposedS };
  }
  const { tp, cp, dp: dpSize, pp, sequenceParallel } = s.layout;
  let ppPart: CommPart = { totalS: 0, exposedS: 0 };
  if (pp > 1) {
    const tokens = (s.batch.microBatch * s.batch.sequenceLength) / cp;
    const bytes = (tokens * s.model.hiddenSize * DTYPE_BYTES.bf16) / (sequenceParallel ? tp : 1);
    const hop = groupCollectiveS(s.fabricTarget, "send-recv", bytes, 2, tp * cp * dpSize);
    const chunks = s.layout.schedule === "interleaved" ? s.layout.virtualStages : 1;
    // Megatron-Core's non-interleaved 1F1B waits on every batched send/receive (wait_on_reqs, then
    // batch_p2p_sync's torch.cuda.synchronize()): each micro-batch's two hops are on the critical path.
    // The rank then waits for all of them, its own 2m and the fill's and drain's 2(p − 1).
    const blocking = s.framework === "megatron-core" && s.layout.schedule === "1f1b";
    const waitedS = 2 * (m + pp - 1) * hop;
    ppPart = blocking
      ? { totalS: waitedS, exposedS: waitedS }
      : { totalS: 2 * m * chunks * hop, exposedS: 2 * (pp - 1) * hop };
  }
  return { dp, dpStepExposedS, dpPerMicrobatchExposedS, pp: ppPart, optimizerS: optimizerTime(s, params) };
}

function optimizerTime(s: TrainingScenario, params: StageParams): number {
  const p = s.precision;
  const { dp, cp, expertDp, zero } = s.layout;
  const shard = (n: number, ranks: number) => (zero >= 1 ? n / ranks : n);
  const local = shard(params.densePerRank, dp * cp) + shard(params.expertsPerRank, expertDp);
  const master = p.masterWeights ? 2 * 4 : 0;
  const perParam =
    DTYPE_BYTES[p.gradients] + master + 4 * DTYPE_BYTES[p.optimizerStates] + DTYPE_BYTES[p.params];
  return memoryPassS(s, local * perParam);
}

/**
 * Seconds one rank takes to move `bytes` through HBM in a memory-bound pass (the optimizer, the
 * unfused gradient accumulation): the chip's bandwidth at its vector-class memory efficiency, on the
 * share of the device the overlapped communication leaves.
 * @example memoryPassS(scenario, 1e9) // ≈ 0.00074 on a 910B (1.346 TB/s vector-class)
 */
export function memoryPassS(s: TrainingScenario, bytes: number): number {
  const chip = s.system.node.accelerator.chip;
  const device = computeDevice(chip);
  const efficiency = efficiencyProfileForChip(chip).classes.vector.memoryEfficiency.value;
  const shareOfDevice = 1 - s.overlap.reservedComputeFraction;
  return bytes / (device.memoryBandwidthBytesPerS.value * efficiency * shareOfDevice);
}
