/**
 * The inference step model: the time of one decode or prefill iteration of one instance, composed
 * from per-layer operator times on each rank's shard (`operatorTime`), MoE dispatch/combine and
 * TP collectives on the fabric model, microbatch overlap, MTP and per-step overheads. The step
 * time is set by the slowest rank: the routed-expert rank that gets the hottest experts
 * (imbalance factor × the mean tokens), or a rank that hosts a shared-expert replica.
 * See docs/step-model.md.
 */
import { type ImbalanceResult, stepOverheads } from "../deploy/index.ts";
import { type LayerKind, layerGroups } from "../model/index.ts";
import { layerTimingOf } from "./layer-memo.ts";
import { stepBounds } from "./step-bounds.ts";
import { clockedContext, corePowerFactor, powerLimitedFraction } from "./step-clock.ts";
import type { StepBatch, StepContext } from "./step-context.ts";
import { headTiming } from "./step-head.ts";
import type { LayerTiming } from "./step-layer.ts";
import { type StepLayerInputs, stepLayerInputs } from "./step-layer-inputs.ts";
import { atMoeCall } from "./step-moe-call.ts";
import { mtpTiming } from "./step-mtp.ts";
import type { RankKind } from "./step-work.ts";

export { type StepBatch, type StepContext, stepContext } from "./step-context.ts";

export type StepPhase = "decode" | "prefill";
export type StepBound = "compute" | "memory" | "fabric" | "overhead";

/**
 * The memory- and overhead-bound items of a step: their time, and how long inside it the cores
 * (`computeS`: flops at peak) and HBM (`memoryS`) are busy. The energy model draws their power from
 * both resources' activity (docs/energy.md); compute-bound items and fabric items are not listed.
 * `coreWeightS`: the core time weighted by what core activity draws at the step's SM clock relative
 * to the sustained clock, (r/φ)³ (step-clock.ts); absent: `computeS` (factor 1). `compute`: the
 * compute-bound items' time and the same weighting of it (absent: they draw the compute level).
 */
export type StepActivity = Readonly<
  Record<
    "memory" | "overhead",
    {
      readonly timeS: number;
      readonly computeS: number;
      readonly memoryS: number;
      readonly coreWeightS?: number;
    }
  >
> & { readonly compute?: { readonly timeS: number; readonly coreWeightS: number } };

export interface LayerStep {
  readonly kind: LayerKind | "mtp";
  /** Identical layers of this kind in one step. */
  readonly count: number;
  /** Which rank sets the time: a routed-expert rank, a shared-expert rank, or every rank (dense). */
  readonly slowestRank: "routed-expert" | "shared-expert" | "all";
  /** Sliding attention window of these layers (gpt-oss); absent for full attention. */
  readonly attentionWindow?: number;
  /** Linear-attention layers (Qwen3-Next's Gated DeltaNet); absent for softmax attention. */
  readonly linearAttention?: true;
  /** DeepSeek-V4's compression ratio of the group's attention layers (0, 4, 128). */
  readonly compressRatio?: number;
  /** DeepSeek-V4's hash-routed MoE layers (the first `num_hash_layers`). */
  readonly hashRouted?: true;
  /** Single-mixer blocks without attention (Nemotron-H's MoE blocks); absent otherwise. */
  readonly noMixer?: true;
  /** Layers reusing an earlier layer's DSA top-k (GLM-5.2's shared indexer); absent otherwise. */
  readonly sharedTopK?: true;
  readonly timing: LayerTiming;
}

export interface StepBreakdown {
  readonly phase: StepPhase;
  readonly microbatches: number;
  readonly layers: readonly LayerStep[];
  /** Σ count × layer time. */
  readonly layersS: number;
  readonly pipelineFillS: number;
  /** Embedding, final norm and LM head. */
  readonly headS: number;
  readonly samplingS: number;
  /** MTP module passes (draft tokens). */
  readonly mtpS: number;
  /** Compute-graph launches of the step. */
  readonly graphLaunchS: number;
  readonly graphLaunches: number;
  readonly stepS: number;
  /** Kernel launch overheads inside the operator times (part of stepS). */
  readonly kernelLaunchS: number;
  /** Time per bound over all items (critical path approximated by each layer's items). */
  readonly timeByBound: Readonly<Record<StepBound, number>>;
  /** Tensor-core and HBM busy time inside the items of each bound (absent: not known). */
  readonly activity?: StepActivity;
  readonly bound: StepBound;
  /** Expert-imbalance factor used and how it was obtained. */
  readonly imbalance: ImbalanceResult;
  /** Efficiency-profile and overhead parameters that fell back to documented defaults. */
  readonly defaulted: readonly string[];
  /** SM clock / the listed peaks' clock when the power limit lowered it (step-clock.ts); absent: 1. */
  readonly smClockFraction?: number;
}

/**
 * Time of one step of the instance for a batch (instance totals).
 * @example stepTime(ctx, { phase: "decode", sequences: 15360, kvTokens: 15360 * 4096 }).stepS
 */
export function stepTime(asked: StepContext, batch: StepBatch): StepBreakdown {
  // The MoE backend this step's calls run, where the engine picks it per call (step-moe-call.ts).
  const ctx = atMoeCall(asked, batch);
  // The layers' operators and fabric items do not depend on the clock: both passes share them.
  const inputs = stepLayerInputs(ctx, batch);
  const atPeak = stepAtClock(ctx, batch, inputs);
  // A step that would draw more than the power limit runs at a lower SM clock (step-clock.ts).
  const r = powerLimitedFraction(ctx, atPeak);
  if (r >= 1) return withCorePower(atPeak, corePowerFactor(ctx, 1));
  const clocked = stepAtClock(clockedContext(ctx, r), batch, inputs);
  return { ...withCorePower(clocked, corePowerFactor(ctx, r)), smClockFraction: r };
}

/** The step with its items' core time weighted by the power of core activity at its clock. */
function withCorePower(step: StepBreakdown, factor: number): StepBreakdown {
  const a = step.activity;
  if (a === undefined || factor === 1) return step;
  const weigh = (e: StepActivity["memory"]) => ({ ...e, coreWeightS: e.computeS * factor });
  const tc = step.timeByBound.compute;
  const activity = { memory: weigh(a.memory), overhead: weigh(a.overhead) };
  return {
    ...step,
    activity: tc > 0 ? { ...activity, compute: { timeS: tc, coreWeightS: tc * factor } } : activity,
  };
}

function stepAtClock(ctx: StepContext, batch: StepBatch, inputs: StepLayerInputs): StepBreakdown {
  const overlapped = stepTimeAsPlanned(ctx, batch, inputs);
  if (ctx.plan.overlap?.policy !== "when-faster") return overlapped;
  // The engine runs this step as one batch when that is quicker (policy `when-faster`).
  const { overlap: _, ...single } = ctx.plan;
  const wholeCtx = { ...ctx, plan: single };
  const whole = stepTimeAsPlanned(wholeCtx, batch, stepLayerInputs(wholeCtx, batch));
  return whole.stepS < overlapped.stepS ? whole : overlapped;
}

function stepTimeAsPlanned(ctx: StepContext, batch: StepBatch, given: StepLayerInputs): StepBreakdown {
  const { scenario, plan } = ctx;
  const arch = scenario.model;
  const inputs = given.fits(ctx) ? given : stepLayerInputs(ctx, batch);
  const work = inputs.work;

  const layerTiming = (index: number, kind: LayerKind, rank: RankKind): LayerTiming => {
    const { ops, collectives } = inputs.layer(index, kind, rank);
    return layerTimingOf(ctx, ops, collectives);
  };

  const layers = slowestLayers(arch, work.rankKinds, layerTiming);

  const { headItems, headS, samplingS } = headTiming(ctx, work);

  const mtp = mtpTiming(ctx, work);
  const mtpLayers: LayerStep[] =
    mtp !== undefined
      ? [{ kind: "mtp", count: mtp.passes, slowestRank: mtp.slowestRank, timing: mtp.layer }]
      : [];

  const vendor = scenario.system.node.accelerator.chip.vendor;
  const overheads = stepOverheads(vendor);
  const graphLaunches =
    batch.phase === "decode" && plan.mtp !== undefined && !plan.mtp.pipelined ? 1 + plan.mtp.draftTokens : 1;
  const graphLaunchS = graphLaunches * overheads.graphLaunchS.value;

  let layersS = 0;
  let fillS = 0;
  for (const l of layers) {
    layersS += l.count * l.timing.layerS;
    fillS = Math.max(fillS, l.timing.fillS);
  }
  const mtpS = mtp?.timeS ?? 0;
  // The engine's host time per iteration is added per instance iteration (host-time.ts).
  const stepS = layersS + fillS + headS + samplingS + mtpS + graphLaunchS;

  const { timeByBound, activity, kernelLaunchS, defaulted, bound } = stepBounds(
    [...layers, ...mtpLayers],
    [headItems, mtp?.extras ?? []],
    graphLaunchS,
    overheads.defaulted ? [`step.graphLaunchS (${vendor})`] : [],
  );

  return {
    phase: batch.phase,
    microbatches: work.microbatches,
    layers: [...layers, ...mtpLayers],
    layersS,
    pipelineFillS: fillS,
    headS,
    samplingS,
    mtpS,
    graphLaunchS,
    graphLaunches,
    stepS,
    kernelLaunchS,
    timeByBound,
    activity,
    bound,
    imbalance: work.imbalance,
    defaulted,
  };
}

/**
 * Distinct layers of the main model (FFN kind × attention variant), each on its slowest kind of
 * rank: one entry per layer group, in `layerGroups` order (`instanceStepTime` finds a layer's
 * entry by `layerGroupIndex`).
 */
function slowestLayers(
  arch: StepContext["scenario"]["model"],
  rankKinds: readonly RankKind[],
  layerTiming: (index: number, kind: LayerKind, rank: RankKind) => LayerTiming,
): LayerStep[] {
  const layers: LayerStep[] = [];
  for (const {
    kind,
    window,
    linear,
    compressRatio,
    hashRouted,
    noMixer,
    sharedTopK,
    index,
    count,
  } of layerGroups(arch)) {
    const candidates = kind === "moe" ? rankKinds : rankKinds.slice(0, 1);
    let best: { rank: RankKind; timing: LayerTiming } | undefined;
    for (const rank of candidates) {
      const timing = layerTiming(index, kind, rank);
      if (best === undefined || timing.layerS > best.timing.layerS) best = { rank, timing };
    }
    if (best !== undefined)
      layers.push({
        kind,
        count,
        slowestRank: kind === "moe" ? best.rank.name : "all",
        ...(window !== undefined ? { attentionWindow: window } : {}),
        ...(linear === true ? { linearAttention: true as const } : {}),
        ...(compressRatio !== undefined ? { compressRatio } : {}),
        ...(hashRouted === true ? { hashRouted } : {}),
        ...(noMixer === true ? { noMixer: true as const } : {}),
        ...(sharedTopK === true ? { sharedTopK } : {}),
        timing: best.timing,
      });
  }
  return layers;
}
