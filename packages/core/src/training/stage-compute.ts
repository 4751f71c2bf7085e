/**
 * Compute time of one micro-batch on one rank of each pipeline stage: the model's own training
 * operator graphs (`model/layer-operators.ts`, phases train-forward and train-backward) timed with
 * the operator model (`perf/operator-time.ts`) on the rank's device (`operator-times.ts`). Backward
 * splits into data-gradient (B) and weight-gradient (W) operators, which zero-bubble schedules place
 * apart.
 * Recomputation adds forward operators to backward: `selective` re-runs the norms and activation
 * functions (whose outputs are then not stored), `full` re-runs the whole layer forward.
 *
 * Layers are assigned to stages contiguously; when they do not divide, the first and last stages
 * (which also hold the embedding, the LM head and loss, and the MTP modules) get the fewer layers,
 * as Llama 3 did (one layer fewer on each end).
 */
import {
  attentionWindow,
  hasMixer,
  isLinearAttentionLayer,
  type LayerOperatorOptions,
  layerGroups,
  layerKind,
  layerOperators,
  type ModelArchitecture,
  type ModelWorkload,
  modelHeadOperators,
  mtpOperators,
} from "../model/index.ts";
import {
  atClockFraction,
  computeDevice,
  efficiencyProfileForChip,
  type SustainedClock,
  shareOf,
  sustainedClock,
} from "../perf/index.ts";
import { withOffloadWait } from "./activation-offload.ts";
import { expertsOverTp, tpSplitExpertOptions } from "./allgather-dispatcher.ts";
import { dualPipeRanks } from "./dualpipe-ranks.ts";
import { launchedBeforeMoeSync, withEagerHostWait } from "./eager-moe-host.ts";
import { type EpLayerComm, epLayerComm } from "./ep-layer-comm.ts";
import { fp8QuantizeOperator, type OperandScaling } from "./fp8-quantization.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import { megatronSsdOps } from "./mamba-ssd-scan.ts";
import { megatronLossOps } from "./megatron-cross-entropy.ts";
import { megatronRopeOps } from "./megatron-rope.ts";
import { withTokenCopies } from "./moe-token-copies.ts";
import {
  bf16Options,
  checkFormatsUsed,
  formatScaling,
  isBf16Block,
  withOperatorFormats,
} from "./operator-precision.ts";
import {
  addTimes,
  type ComputeTimes,
  type TimingContext,
  timeOps,
  timeOpsWithPart,
  ZERO_TIMES,
} from "./operator-times.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface StageCompute extends ComputeTimes {
  readonly stage: number;
  readonly layers: number;
  readonly moeLayers: number;
  /** The stage's tensor-parallel blocks (`tp-comm.ts`). */
  readonly tpBlocks: TpBlocks;
}

/**
 * Tensor-parallel blocks, each gathering its input and reduce-scattering its output under TP:
 * layers with a mixer (attention, Mamba), layers with a dense FFN, MoE layers with shared experts
 * (Megatron's `SharedExpertMLP` runs over the TP group; the routed experts take the SP shard).
 */
export interface TpBlocks {
  readonly mixer: number;
  readonly ffn: number;
  readonly sharedExperts: number;
  /** Routed experts behind the all-gather dispatcher: gathered and scattered outside their linears, as shared experts are. */
  readonly gatheredExperts: number;
}

export interface PipelineCompute {
  readonly stages: readonly StageCompute[];
  /**
   * The slowest stage (forward + backward + recompute), which sets the pipeline's pace; under
   * DualPipe the slowest rank, the mean of its two stages (`dualpipe-ranks.ts`).
   */
  readonly bottleneck: StageCompute;
  /** Tokens one rank processes per micro-batch (after context parallelism). */
  readonly tokensPerRank: number;
  /** Per decoder-layer kind: one layer's times per micro-batch (the mean over the kind's layers when their attention windows differ). */
  readonly perLayer: Readonly<Partial<Record<"dense" | "moe", ComputeTimes>>>;
  /** One MoE layer's EP dispatch, combine and (Megatron's all-to-all dispatcher) probabilities per micro-batch (`ep-layer-comm.ts`; zeros without MoE layers). */
  readonly epLayer: EpLayerComm;
  /** The SM clock compute was timed at (`sustained-clock.ts`); absent: the listed peaks' clock. */
  readonly sustainedClock?: SustainedClock;
}

/** No operator (no part to time apart). */
const none = (): boolean => false;

/** Layers per stage: contiguous, the ends (with embedding and head) taking the fewer. */
export function stageLayerCounts(layers: number, pp: number): number[] {
  const base = Math.floor(layers / pp);
  let extra = layers - base * pp;
  const counts = new Array<number>(pp).fill(base);
  for (let s = 1; s < pp - 1 && extra > 0; s++, extra--) counts[s] = base + 1;
  for (const s of [pp - 1, 0]) {
    if (extra > 0 && counts[s] === base) {
      counts[s] = base + 1;
      extra--;
    }
  }
  return counts;
}

/** The operator options of one rank under the job's layout. */
export function rankOperatorOptions(s: TrainingScenario): LayerOperatorOptions {
  const { tp, ep, cp } = s.layout;
  const tokens = (s.batch.microBatch * s.batch.sequenceLength) / cp;
  const moe = s.model.moe;
  const base: LayerOperatorOptions = {
    weightDtype: s.precision.compute,
    activationDtype: "bf16",
    computeDtype: s.precision.compute,
    attentionTp: tp,
    ffnTp: tp,
  };
  if (moe === undefined) return base;
  // The all-gather dispatcher (and the all-to-all one at tp > 1) splits every expert over tp and runs the
  // TP group's tokens through them (allgather-dispatcher.ts, alltoall-sp2hp-dispatcher.ts).
  if (expertsOverTp(s.tokenDispatcher)) return { ...base, ...tpSplitExpertOptions(s.model, tp, tokens) };
  // Experts take the sequence-parallel shard (tokens / tp) of each EP rank; balanced routing.
  const expertTokens = ((tokens / tp) * ep * moe.topK) / moe.numRoutedExperts;
  return { ...base, localExperts: moe.numRoutedExperts / ep, tokensPerLocalExpert: expertTokens };
}

/**
 * Per-stage compute of one micro-batch.
 * @example pipelineCompute(scenario).bottleneck.forwardS
 */
export function pipelineCompute(s: TrainingScenario): PipelineCompute {
  const arch: ModelArchitecture = s.model;
  const chip = s.system.node.accelerator.chip;
  // The rank's device at the SM clock a training load sustains under the power limit (sustained-clock.ts).
  // A SKU or derived chip (`extends:`, e.g. ascend-910b → ascend-910c) runs with its parent's profile.
  const fullProfile = efficiencyProfileForChip(chip);
  const clock = sustainedClock(chip, fullProfile);
  const sustained = atClockFraction(computeDevice(chip), fullProfile, clock?.fraction ?? 1);
  const shared = shareOf(sustained.device, sustained.profile, 1 - s.overlap.reservedComputeFraction);
  const { device, profile } = shared;
  const seq = s.batch.sequenceLength;
  const mb = s.batch.microBatch;
  const cp = s.layout.cp;
  const tokensPerRank = (mb * seq) / cp;
  const workload = (phase: "train-forward" | "train-backward"): ModelWorkload => ({
    phase,
    sequences: mb,
    tokens: tokensPerRank,
    attendedTokenPairs: (mb * seq * (seq + 1)) / 2 / cp,
  });
  const options = rankOperatorOptions(s);
  const scaling: OperandScaling = s.precision.recipe === "nvfp4" ? "nvfp4" : s.precision.fp8Scaling;
  const tpShard = s.layout.sequenceParallel ? s.layout.tp : 1;
  const ringTp = s.overlap.tp && s.layout.sequenceParallel ? s.layout.tp : 1;
  const megatron = s.framework === "megatron-core";
  // Operators the recipe gives another format (operator-precision.ts); the globs that matched.
  const { bf16Layers, operatorFormats: formats } = s.precision;
  const formatsUsed = new Set<string>();
  const ctx: TimingContext = {
    device,
    profile,
    quantize: (op) =>
      fp8QuantizeOperator(op, arch.hiddenSize, tpShard, formatScaling(formats, op) ?? scaling),
    formatScaling: (op) => formatScaling(formats, op),
    ringExchangeTp: ringTp,
    ringStepS:
      ringTp > 1
        ? groupCollectiveS(s.fabricTarget, "all-gather", tokensPerRank * arch.hiddenSize * 2, ringTp, 1) /
          (ringTp - 1)
        : 0,
    sequenceShard: tpShard,
    ...(s.expertGemm === "per-expert-streams" && { expertLoop: { scaling } }),
    // Megatron-Core trains Mamba-2 layers with mamba_ssm's Triton scan (mamba-ssd-scan.ts).
    ...(megatron && { mambaScan: true }),
  };
  // One timing per layer kind and attention window (gpt-oss alternates 128-token windowed and full
  // layers; Qwen3-Next's linear-attention layers are their own variant).
  const byVariant = new Map<string, ComputeTimes>();
  let epLayer: EpLayerComm = { dispatchS: 0, combineS: 0, probsS: 0 };
  const layerTime = (index: number): ComputeTimes => {
    const kind = layerKind(arch, index);
    const attention = !hasMixer(arch, index)
      ? "none"
      : isLinearAttentionLayer(arch, index)
        ? "linear"
        : (attentionWindow(arch, index) ?? "full");
    // A BF16 block (precision.bf16Layers) runs every GEMM in BF16; the operator formats apply elsewhere.
    const bf16Block = isBf16Block(bf16Layers, index, arch.numLayers);
    const variant = `${kind}:${attention}${bf16Block ? ":bf16" : ""}`;
    const hit = byVariant.get(variant);
    if (hit !== undefined) return hit;
    const ops = (w: ModelWorkload) => {
      const build = (o: LayerOperatorOptions) =>
        megatronRopeOps(layerOperators(arch, index, w, o), s, tokensPerRank);
      const graph = bf16Block
        ? build(bf16Options(options))
        : withOperatorFormats(build, options, formats, formatsUsed);
      return megatron ? megatronSsdOps(graph, arch) : graph;
    };
    const moeExperts = kind === "moe" ? options.localExperts : undefined;
    // Megatron-Core's token copies and its eager MoE layer's host sync; no other framework's are
    // modelled. The sync splits the layer at its operators launched before it: their times are
    // summed in the same pass over the layer's operators.
    const eagerMoe = moeExperts !== undefined && megatron;
    const timed = timeOpsWithPart(ops, workload, ctx, s.recompute, eagerMoe ? launchedBeforeMoeSync : none);
    let t = timed.whole;
    if (moeExperts !== undefined) epLayer = epLayerComm(s, tokensPerRank);
    if (eagerMoe) {
      t = withTokenCopies(t, s, tokensPerRank, moeExperts, ctx.device, ctx.profile);
      t = withEagerHostWait(t, s, moeExperts, epLayer, timed.part);
    }
    byVariant.set(variant, t);
    return t;
  };
  const embedAndHead = timeOps(
    (w) => megatronLossOps(modelHeadOperators(arch, w, options), s, tokensPerRank),
    workload,
    ctx,
    "none",
  );
  const mtp = timeOps(
    (w) => withOperatorFormats((o) => mtpOperators(arch, w, o), options, formats, formatsUsed),
    workload,
    ctx,
    s.recompute,
  );
  const counts = stageLayerCounts(arch.numLayers, s.layout.pp);
  const stages: StageCompute[] = [];
  let first = 0;
  for (const [stage, count] of counts.entries()) {
    let t = ZERO_TIMES;
    let moeLayers = 0;
    const tpBlocks = { mixer: 0, ffn: 0, sharedExperts: 0, gatheredExperts: 0 };
    for (let i = first; i < first + count; i++) {
      t = addTimes(t, layerTime(i));
      const kind = layerKind(arch, i);
      if (kind === "moe") moeLayers++;
      if (hasMixer(arch, i)) tpBlocks.mixer++;
      if (kind === "dense") tpBlocks.ffn++;
      if (kind === "moe" && (arch.moe?.numSharedExperts ?? 0) > 0) tpBlocks.sharedExperts++;
      if (kind === "moe" && expertsOverTp(s.tokenDispatcher)) tpBlocks.gatheredExperts++;
    }
    first += count;
    // The embedding gather (negligible time) is counted with the head, loss and MTP on the last stage;
    // their GEMMs are not the decoder blocks' column-parallel ones (tpBlocks counts decoder layers only).
    // A repeated MTP layer runs its block, head and loss once per depth (mtp-depth.ts).
    if (stage === counts.length - 1)
      t = addTimes(
        addTimes(t, { ...embedAndHead, columnGemms: ZERO_TIMES.columnGemms }),
        { ...mtp, columnGemms: ZERO_TIMES.columnGemms },
        s.mtpRuns,
      );
    // Offloaded expert activations: the GPU waits where a copy outlasts the work until the next one.
    t = withOffloadWait(t, s, tokensPerRank, moeLayers);
    stages.push({ ...t, stage, layers: count, moeLayers, tpBlocks });
  }
  const perLayer: Partial<Record<"dense" | "moe", ComputeTimes>> = {};
  for (const kind of ["dense", "moe"] as const) {
    const groups = layerGroups(arch).filter((g) => g.kind === kind);
    const count = groups.reduce((n, g) => n + g.count, 0);
    if (count === 0) continue;
    // With BF16 blocks a group's layers differ in format: the mean over every layer of the kind.
    const indices = [...Array(arch.numLayers).keys()].filter((i) => layerKind(arch, i) === kind);
    perLayer[kind] =
      bf16Layers.start + bf16Layers.end === 0
        ? groups.reduce((m, g) => addTimes(m, layerTime(g.index), g.count / count), ZERO_TIMES)
        : indices.reduce((m, i) => addTimes(m, layerTime(i), 1 / indices.length), ZERO_TIMES);
  }
  checkFormatsUsed(s, formatsUsed);
  // DualPipe's rank runs half the micro-batches through each of two stages (dualpipe-ranks.ts).
  const ranks = s.layout.schedule === "dualpipe" ? dualPipeRanks(stages) : stages;
  let bottleneck = ranks[0] as StageCompute;
  const busy = (x: ComputeTimes) => x.forwardS + x.backwardDataS + x.backwardWeightS + x.recomputeS;
  for (const st of ranks) if (busy(st) > busy(bottleneck)) bottleneck = st;
  return {
    stages,
    bottleneck,
    tokensPerRank,
    perLayer,
    epLayer,
    ...(clock !== undefined ? { sustainedClock: clock } : {}),
  };
}
