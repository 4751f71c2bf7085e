/**
 * `supernode train`: one optimizer step of a training job — the slowest pipeline stage's compute
 * per micro-batch, each parallelism's communication (total and exposed), the pipeline bubble, the
 * data-parallel synchronisation and the optimizer — then tokens/s, model FLOPs utilisation (MFU)
 * and model TFLOPS per chip, memory per rank, and the time and chip-hours to train the token
 * budget. The step is the time of the slowest stage's rank; every rank waits for it.
 *
 * MFU follows PaLM's definition (Chowdhery et al. 2022, arXiv:2204.02311, App. B): model FLOPs
 * per token = 6 × activated matrix parameters (embedding gather excluded, LM head included, MTP
 * excluded) + 6 × seq × heads × (qk + v head dims) per softmax-attention layer (attention without
 * the causal saving), divided by the dense BF16 peak of the chips. Recomputation is not model FLOPs.
 */
import { countParameters, isLinearAttentionLayer, layerAttention } from "../model/index.ts";
import { computeDevice } from "../perf/index.ts";
import { gradAccumulationS } from "./grad-accumulation.ts";
import { type CommPart, microbatchComm } from "./microbatch-comm.ts";
import { pipelineTiming } from "./pipeline-schedule.ts";
import { type PipelineCompute, pipelineCompute } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import { stepSync } from "./step-sync.ts";
import { type TrainingMemory, trainingMemory } from "./training-memory.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface TrainStepBreakdown {
  /** Compute on the slowest stage's rank, summed over the step's micro-batches. */
  readonly forwardS: number;
  readonly backwardS: number;
  readonly recomputeS: number;
  /** Part of forwardS and backwardS the GPU waits for the host in eager MoE layers (`eager-moe-host.ts`). */
  readonly hostWaitS: number;
  readonly tp: CommPart;
  readonly cp: CommPart;
  readonly ep: CommPart;
  readonly dp: CommPart;
  readonly pp: CommPart;
  readonly bubbleS: number;
  readonly optimizerS: number;
}

export interface TrainEstimate {
  readonly scenario: TrainingScenario;
  readonly stepS: number;
  readonly breakdown: TrainStepBreakdown;
  readonly tokensPerStep: number;
  readonly tokensPerS: number;
  readonly tokensPerSPerChip: number;
  readonly modelFlopsPerToken: number;
  /** Model FLOP/s per chip (package). */
  readonly modelFlopsPerSPerChip: number;
  /** Model FLOP/s ÷ dense BF16 peak. */
  readonly mfu: number;
  /** Model FLOP/s ÷ dense peak of the compute format (same as mfu for BF16 training). */
  readonly mfuComputeDtype: number;
  /** MFU with attention counted under the causal mask ((s + 1) / 2s of PaLM's attention term), vs BF16 peak. */
  readonly mfuCausalAttention: number;
  readonly memory: TrainingMemory;
  readonly compute: PipelineCompute;
  /** Slowest stage index and its layers. */
  readonly bottleneckStage: number;
  readonly train?: { readonly tokens: number; readonly seconds: number; readonly chipHours: number };
}

/**
 * Model FLOPs per trained token (PaLM's definition, see the header).
 * @example modelFlopsPerToken(builtinModel("llama-3.1-405b"), 8192) // ≈ 2.6e12
 */
export function modelFlopsPerToken(
  arch: TrainingScenario["model"],
  sequenceLength: number,
  attention: "full" | "causal" = "full",
): number {
  let activated = activatedCache.get(arch);
  if (activated === undefined) {
    activated = countParameters(arch).activatedPerToken;
    activatedCache.set(arch, activated);
  }
  // Softmax-attention layers only, each with its own shape (Gemma 4's sliding and global layers
  // differ; every layer counted over the whole sequence, windowed or not): linear-attention (Gated
  // DeltaNet, Mamba-2) layers and a hybrid model's MoE / MLP blocks attend nothing (their
  // recurrences are not counted, as PaLM has none).
  let headDims = 0;
  for (let i = 0; i < arch.numLayers; i++) {
    const attends = arch.hybridBlocks
      ? arch.hybridBlocks[i] === "attention"
      : !isLinearAttentionLayer(arch, i);
    if (!attends) continue;
    const a = layerAttention(arch, i);
    const dims =
      a.kind === "gqa"
        ? a.headDim + (a.vHeadDim ?? a.headDim)
        : a.qkNopeHeadDim + a.qkRopeHeadDim + a.vHeadDim;
    headDims += a.numHeads * dims;
  }
  const full = 6 * sequenceLength * headDims;
  const attentionFlops = attention === "full" ? full : (full * (sequenceLength + 1)) / (2 * sequenceLength);
  return 6 * activated + attentionFlops;
}

const activatedCache = new WeakMap<object, number>();

/**
 * Estimates one training step and what follows from it.
 * @example const e = trainEstimate(parseTrainingScenario(text, "job.yaml")); e.mfu; e.breakdown.bubbleS
 */
export function trainEstimate(s: TrainingScenario): TrainEstimate {
  const compute = pipelineCompute(s);
  const st = compute.bottleneck;
  const comm = microbatchComm(s, compute);
  const all = stageParams(s);
  const params = all[st.stage] ?? all[0];
  if (params === undefined) throw new Error("no pipeline stages");
  const sync = stepSync(s, params, st);
  const m = s.layout.microBatches;
  const F = st.forwardS + comm.exposedForwardS + sync.dpPerMicrobatchExposedS / 2;
  const B = st.backwardDataS + st.recomputeS + comm.exposedBackwardS + sync.dpPerMicrobatchExposedS / 2;
  // Without gradient-accumulation fusion every micro-batch adds its BF16 gradients to main_grad.
  const accumulationS = gradAccumulationS(s, params);
  const W = st.backwardWeightS + accumulationS;
  const pipe = pipelineTiming(s.layout.schedule, s.layout.pp, s.layout.virtualStages, m, F, B, W);
  const stepS = pipe.totalS + sync.dpStepExposedS + sync.pp.exposedS + sync.optimizerS;
  const tokensPerStep = s.batch.globalBatch * s.batch.sequenceLength;
  const tokensPerS = tokensPerStep / stepS;
  const flopsPerToken = modelFlopsPerToken(s.model, s.batch.sequenceLength);
  const chip = s.system.node.accelerator.chip;
  const device = computeDevice(chip);
  const peakPerChip = (dtype: "bf16" | typeof s.precision.compute) =>
    (device.peakFlopsPerS[dtype]?.value ?? Number.NaN) * device.devicesPerChip;
  const modelFlopsPerSPerChip = (flopsPerToken * tokensPerS) / s.chips;
  const breakdown: TrainStepBreakdown = {
    forwardS: m * st.forwardS,
    backwardS: m * (st.backwardDataS + st.backwardWeightS + accumulationS),
    recomputeS: m * st.recomputeS,
    hostWaitS: m * st.hostWaitS,
    tp: scale(comm.tp, m),
    cp: scale(comm.cp, m),
    ep: scale(comm.ep, m),
    dp: sync.dp,
    pp: sync.pp,
    bubbleS: pipe.bubbleS,
    optimizerS: sync.optimizerS,
  };
  const train =
    s.trainTokens !== undefined
      ? {
          tokens: s.trainTokens,
          seconds: s.trainTokens / tokensPerS,
          chipHours: (s.trainTokens / tokensPerS / 3600) * s.chips,
        }
      : undefined;
  return {
    scenario: s,
    stepS,
    breakdown,
    tokensPerStep,
    tokensPerS,
    tokensPerSPerChip: tokensPerS / s.chips,
    modelFlopsPerToken: flopsPerToken,
    modelFlopsPerSPerChip,
    mfu: modelFlopsPerSPerChip / peakPerChip("bf16"),
    mfuComputeDtype: modelFlopsPerSPerChip / peakPerChip(s.precision.compute),
    mfuCausalAttention:
      (modelFlopsPerToken(s.model, s.batch.sequenceLength, "causal") * tokensPerS) /
      s.chips /
      peakPerChip("bf16"),
    memory: trainingMemory(s),
    compute,
    bottleneckStage: st.stage,
    ...(train !== undefined ? { train } : {}),
  };
}

function scale(p: CommPart, m: number): CommPart {
  return { totalS: p.totalS * m, exposedS: p.exposedS * m };
}
