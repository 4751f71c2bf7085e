/**
 * The inference step model: the time of one decode or prefill iteration of one instance, composed
 * from per-layer operator times on each rank's shard (`operatorTime`), MoE dispatch/combine and
 * TP collectives on the fabric model, microbatch overlap, MTP and per-step overheads. The step
 * time is set by the slowest rank: the routed-expert rank that gets the hottest experts
 * (imbalance factor × the mean tokens), or a rank that hosts a shared-expert replica.
 * See docs/step-model.md.
 */
import { expertImbalanceFactor } from "../deploy/expert-imbalance.ts";
import { dispatchBytesPerToken } from "../deploy/memory.ts";
import type { InstancePlan } from "../deploy/plan.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { stepOverheads } from "../deploy/step-overheads.ts";
import { DTYPE_BYTES } from "../hardware/types.ts";
import { type LayerKind, layerKinds, mtpLayerKind } from "../model/layer-kinds.ts";
import { layerOperators, modelHeadOperators, mtpOperators } from "../model/layer-operators.ts";
import type { Operator } from "../model/types.ts";
import type { LayerOperatorOptions, ModelWorkload } from "../model/workload.ts";
import { computeDevice, type Device } from "./device.ts";
import { type EfficiencyProfile, efficiencyProfile } from "./efficiency-profile.ts";
import { type StepComm, stepComm } from "./step-comm.ts";
import { composeLayer, type LayerTiming } from "./step-layer.ts";
import { type SharedDevice, type StepItem, shareOf, timeOperator } from "./step-operators.ts";

export type StepPhase = "decode" | "prefill";
export type StepBound = "compute" | "memory" | "fabric" | "overhead";

export interface LayerStep {
  readonly kind: LayerKind | "mtp";
  /** Identical layers of this kind in one step. */
  readonly count: number;
  /** Which rank sets the time: a routed-expert rank, a shared-expert rank, or every rank (dense). */
  readonly slowestRank: "routed-expert" | "shared-expert" | "all";
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
  readonly bound: StepBound;
  /** Expert-imbalance factor used and how it was obtained. */
  readonly imbalance: { readonly factor: number; readonly basis: string };
  /** Efficiency-profile and overhead parameters that fell back to documented defaults. */
  readonly defaulted: readonly string[];
}

/** Precomputed per instance group: device, profile, comm model. */
export interface StepContext {
  readonly scenario: Scenario;
  readonly plan: InstancePlan;
  readonly device: Device;
  readonly profile: EfficiencyProfile;
  readonly comm: StepComm;
  readonly shares: Map<number, SharedDevice>;
}

/** Builds the context for an instance group (cheap; reuse it for many steps). */
export function stepContext(scenario: Scenario, plan: InstancePlan): StepContext {
  const chip = scenario.system.node.accelerator.chip;
  return {
    scenario,
    plan,
    device: computeDevice(chip),
    profile: efficiencyProfile(chip.id),
    comm: stepComm(scenario, plan),
    shares: new Map(),
  };
}

function shared(ctx: StepContext, share: number): SharedDevice {
  let s = ctx.shares.get(share);
  if (s === undefined) {
    s = shareOf(ctx.device, ctx.profile, share);
    ctx.shares.set(share, s);
  }
  return s;
}

/** The batch of one step on the whole instance. */
export type StepBatch =
  | { readonly phase: "decode"; readonly sequences: number; readonly kvTokens: number }
  | {
      readonly phase: "prefill";
      readonly sequences: number;
      readonly newTokens: number;
      readonly attendedTokenPairs: number;
    };

interface RankKind {
  readonly name: "routed-expert" | "shared-expert" | "all";
  readonly options: LayerOperatorOptions;
}

/**
 * Time of one step of the instance for a batch (instance totals).
 * @example stepTime(ctx, { phase: "decode", sequences: 15360, kvTokens: 15360 * 4096 }).stepS
 */
export function stepTime(ctx: StepContext, batch: StepBatch): StepBreakdown {
  const { scenario, plan } = ctx;
  const arch = scenario.model;
  const precision = scenario.precision;
  const m = plan.overlap?.microbatches ?? 1;
  const q = batch.phase === "decode" && plan.mtp !== undefined ? 1 + plan.mtp.draftTokens : 1;
  const dp = plan.attention.dp;
  const tp = plan.attention.tp;

  // Per DP group and microbatch.
  let groupWorkload: ModelWorkload;
  let instanceTokens: number;
  if (batch.phase === "decode") {
    const seqs = batch.sequences / dp / m;
    groupWorkload = {
      phase: "decode",
      sequences: seqs,
      kvTokens: batch.kvTokens / dp / m,
      tokensPerSequence: q,
    };
    instanceTokens = (batch.sequences * q) / m;
  } else {
    groupWorkload = {
      phase: "prefill",
      sequences: batch.sequences / dp / m,
      newTokens: batch.newTokens / dp / m,
      attendedTokenPairs: batch.attendedTokenPairs / dp / m,
    };
    instanceTokens = batch.newTokens / m;
  }
  const tokensPerRankAll = instanceTokens / plan.ranksPerInstance;
  const tokensPerRank = tokensPerRankAll;

  const base: LayerOperatorOptions = {
    weightDtype: precision.weights,
    computeDtype: precision.activations,
    kvDtype: precision.kvCache,
    attentionTp: tp,
    ffnTp: plan.denseFfn.tp,
  };

  // Expert placement and the hottest ranks.
  const moe = plan.moe;
  const topK = arch.moe?.topK ?? 0;
  let imbalance = { factor: 1, basis: "no routed experts" };
  const rankKinds: RankKind[] = [];
  if (moe !== undefined && arch.moe !== undefined) {
    const routedSlots = moe.routedExperts + moe.redundantExperts;
    const routedRanks = routedSlots / moe.slotsPerRank;
    imbalance = expertImbalanceFactor(plan.expertImbalance, {
      routedAssignments: instanceTokens * topK,
      ranks: Math.max(1, Math.round(routedRanks)),
      routedExperts: moe.routedExperts,
      redundantExperts: moe.redundantExperts,
    });
    const perSlot = (instanceTokens * topK) / routedSlots;
    rankKinds.push({
      name: "routed-expert",
      options: {
        ...base,
        localExperts: moe.slotsPerRank,
        tokensPerLocalExpert: (perSlot * imbalance.factor) / moe.tp,
        sharedExpertTokens: moe.dedicatedSharedReplicas > 0 ? 0 : tokensPerRank,
      },
    });
    if (moe.dedicatedSharedReplicas > 0)
      // A rank hosting shared-expert replicas runs them as its local "experts" (same shape in DeepSeek).
      rankKinds.push({
        name: "shared-expert",
        options: {
          ...base,
          localExperts: moe.slotsPerRank,
          tokensPerLocalExpert: instanceTokens / (moe.dedicatedSharedReplicas * arch.moe.numSharedExperts),
          sharedExpertTokens: 0,
        },
      });
  } else {
    rankKinds.push({ name: "all", options: base });
  }

  const sequenceParallel = batch.phase === "prefill" && plan.attention.sequenceParallel && tp > 1;
  const unsharded = new Map<number, Set<string>>();
  const prepare = (ops: readonly Operator[], layerIndex: number) => {
    if (!sequenceParallel) return ops;
    let names = unsharded.get(layerIndex);
    if (names === undefined) {
      names = unshardedOps(ctx, layerIndex, groupWorkload, base);
      unsharded.set(layerIndex, names);
    }
    const set = names;
    return ops.map((op) => (set.has(op.name) ? scaleOp(op, 1 / tp) : op));
  };

  // Collectives of one microbatch on one rank.
  const hidden = arch.hiddenSize;
  const groupTokens =
    groupWorkload.phase === "prefill" ? groupWorkload.newTokens : groupWorkload.sequences * q;
  const commItems = (kind: LayerKind, tokenScale = 1): StepItem[] => {
    const items: StepItem[] = [];
    const tokensPerRank = tokensPerRankAll * tokenScale;
    if (tp > 1) {
      const tokens = groupTokens * tokenScale;
      if (sequenceParallel) {
        // SP → TP → SP (CloudMatrix-Infer prefill MLA): all-gather the token shards' attention
        // inputs (MLA: the q and kv latents), run the rank's heads over all tokens, all-to-all
        // the head outputs back to token shards.
        const a = arch.attention;
        const inputWidth =
          a.kind === "mla" ? (a.qLoraRank ?? hidden) + a.kvLoraRank + a.qkRopeHeadDim : hidden;
        const outputWidth = a.kind === "mla" ? (a.numHeads / tp) * a.vHeadDim : hidden / tp;
        items.push(
          ctx.comm.collective(
            "attention-comm",
            "attn.sp_all_gather",
            "all-gather",
            tokens * inputWidth * 2,
            tp,
          ),
        );
        items.push(
          ctx.comm.collective(
            "attention-comm",
            "attn.sp_all_to_all",
            "all-to-all",
            tokens * outputWidth * 2,
            tp,
          ),
        );
      } else
        items.push(
          ctx.comm.collective("attention-comm", "attn.all_reduce", "all-reduce", tokens * hidden * 2, tp),
        );
    }
    if (kind === "dense" && plan.denseFfn.tp > 1)
      items.push(
        ctx.comm.collective(
          "ffn-comm",
          "ffn.all_reduce",
          "all-reduce",
          tokensPerRank * plan.denseFfn.tp * hidden * 2,
          plan.denseFfn.tp,
        ),
      );
    if (kind === "moe" && moe !== undefined && arch.moe !== undefined) {
      const k = topK + (moe.dedicatedSharedReplicas > 0 ? arch.moe.numSharedExperts : 0);
      items.push(
        ctx.comm.dispatch(moe.ep, tokensPerRank, k, dispatchBytesPerToken(arch, precision), imbalance.factor),
      );
      items.push(
        ctx.comm.combine(moe.ep, tokensPerRank, k, hidden * DTYPE_BYTES[precision.combine], imbalance.factor),
      );
      if (moe.tp > 1)
        items.push(
          ctx.comm.collective(
            "ffn-comm",
            "moe.tp_all_reduce",
            "all-reduce",
            tokensPerRank * moe.tp * hidden * 2,
            moe.tp,
          ),
        );
    }
    return items;
  };

  const layerFor = (
    layerIndex: number,
    kind: LayerKind,
    rank: RankKind,
    workload: ModelWorkload,
    prefixOps?: (o: LayerOperatorOptions) => Operator[],
  ): LayerTiming => {
    const ops = prepare(
      prefixOps !== undefined
        ? prefixOps(rank.options)
        : layerOperators(arch, layerIndex, workload, rank.options),
      layerIndex,
    );
    const comm = commItems(kind);
    return composeLayer(
      (share) => [...ops.map((op) => timeOperator(op, shared(ctx, share))), ...comm],
      plan.overlap,
    );
  };

  // Distinct layer kinds of the main model.
  const kinds = layerKinds(arch);
  const layers: LayerStep[] = [];
  for (const kind of ["dense", "moe"] as const) {
    const count = kinds.filter((k) => k === kind).length;
    if (count === 0) continue;
    const index = kinds.indexOf(kind);
    const candidates = kind === "moe" ? rankKinds : [rankKinds[0] ?? { name: "all" as const, options: base }];
    let best: { rank: RankKind; timing: LayerTiming } | undefined;
    for (const rank of candidates) {
      const timing = layerFor(index, kind, rank, groupWorkload);
      if (best === undefined || timing.layerS > best.timing.layerS) best = { rank, timing };
    }
    if (best !== undefined)
      layers.push({ kind, count, slowestRank: kind === "moe" ? best.rank.name : "all", timing: best.timing });
  }

  // Head: embedding, final norm, LM head, sampling — per DP group, whole batch, serial.
  const full = shared(ctx, 1);
  const wholeGroup = scaleWorkload(groupWorkload, m);
  const headItems = modelHeadOperators(arch, wholeGroup, base).map((op) => timeOperator(op, full));
  let headS = 0;
  let samplingS = 0;
  for (const item of headItems) {
    if (item.name.includes("sampling")) samplingS += item.timeS;
    else headS += item.timeS;
  }

  // MTP: each draft token is one pass of the MTP module over the batch (one token per sequence).
  // Its decoder layer runs like a main layer (microbatches, streams, EP); its projections,
  // embedding and shared head run once per pass on the whole DP group, like the main head.
  let mtpS = 0;
  const mtpLayers: LayerStep[] = [];
  const mtpExtras: StepItem[] = [];
  if (groupWorkload.phase === "decode" && plan.mtp !== undefined && arch.mtpModules > 0) {
    const perMb: ModelWorkload = {
      phase: "decode",
      sequences: groupWorkload.sequences,
      kvTokens: groupWorkload.kvTokens,
      tokensPerSequence: 1,
    };
    const whole = scaleWorkload(perMb, m);
    const draftRatio = 1 / q;
    const isLayerOp = (op: Operator) => /^mtp\d+\.(attn|ffn|moe)\./.test(op.name);
    const mtpKind = mtpLayerKind(arch);
    let best: { timing: LayerTiming; rank: RankKind["name"] } | undefined;
    for (const rank of mtpKind === "moe"
      ? rankKinds
      : [rankKinds[0] ?? { name: "all" as const, options: base }]) {
      const options = scaleExpertTokens(rank.options, draftRatio);
      const ops = mtpOperators(arch, perMb, options).filter(isLayerOp);
      const commDraft = commItems(mtpKind, draftRatio);
      const timing = composeLayer(
        (share) => [...ops.map((op) => timeOperator(op, shared(ctx, share))), ...commDraft],
        plan.overlap,
      );
      if (best === undefined || timing.layerS > best.timing.layerS) best = { timing, rank: rank.name };
    }
    const extras = mtpOperators(arch, whole, base)
      .filter((op) => !isLayerOp(op))
      .map((op) => timeOperator(op, full));
    let extrasS = 0;
    for (const e of extras) extrasS += e.timeS;
    if (best !== undefined) {
      const passes = plan.mtp.draftTokens;
      mtpS = passes * (best.timing.layerS + best.timing.fillS + extrasS);
      mtpLayers.push({ kind: "mtp", count: passes, slowestRank: best.rank, timing: best.timing });
      mtpExtras.push(...extras.map((e) => ({ ...e, timeS: e.timeS * passes })));
    }
  }

  const overheads = stepOverheads(scenario.system.node.accelerator.chip.vendor);
  const graphLaunches =
    batch.phase === "decode" && plan.mtp !== undefined && !plan.mtp.pipelined ? 1 + plan.mtp.draftTokens : 1;
  const graphLaunchS = graphLaunches * overheads.graphLaunchS.value;

  let layersS = 0;
  let fillS = 0;
  for (const l of layers) {
    layersS += l.count * l.timing.layerS;
    fillS = Math.max(fillS, l.timing.fillS);
  }
  const stepS = layersS + fillS + headS + samplingS + mtpS + graphLaunchS;

  const timeByBound: Record<StepBound, number> = { compute: 0, memory: 0, fabric: 0, overhead: graphLaunchS };
  let kernelLaunchS = 0;
  const defaulted = new Set<string>();
  const account = (items: readonly StepItem[], times: number) => {
    for (const item of items) {
      timeByBound[item.bound] += item.timeS * times;
      kernelLaunchS += item.overheadS * times;
      for (const d of item.defaulted) defaulted.add(d);
    }
  };
  for (const l of [...layers, ...mtpLayers]) account(l.timing.items, l.count * l.timing.microbatches);
  account(headItems, 1);
  account(mtpExtras, 1);
  if (overheads.defaulted)
    defaulted.add(`step.graphLaunchS (${scenario.system.node.accelerator.chip.vendor})`);
  let bound: StepBound = "compute";
  for (const b of ["memory", "fabric", "overhead"] as const)
    if (timeByBound[b] > timeByBound[bound]) bound = b;

  return {
    phase: batch.phase,
    microbatches: m,
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
    bound,
    imbalance,
    defaulted: [...defaulted].sort(),
  };
}

/** Names of a layer's operators whose work does not shrink with attention TP (replicated projections, norms). */
function unshardedOps(
  ctx: StepContext,
  index: number,
  workload: ModelWorkload,
  options: LayerOperatorOptions,
): Set<string> {
  const arch = ctx.scenario.model;
  const withTp = layerOperators(arch, index, workload, options);
  const without = new Map(
    layerOperators(arch, index, workload, { ...options, attentionTp: 1 }).map((op) => [op.name, op.flops]),
  );
  const out = new Set<string>();
  for (const op of withTp) {
    // Expert GEMMs get explicit per-rank token counts; everything else that attention TP does not
    // shard (down-projections, norms, router, dense FFN) is split over the group by SP.
    if (/^(mtp\d+\.)?moe\.(experts|shared)\./.test(op.name)) continue;
    if (op.flops > 0 && without.get(op.name) === op.flops) out.add(op.name);
  }
  return out;
}

/** An operator with its work scaled (sequence parallelism splits tokens over the TP group). */
function scaleOp(op: Operator, f: number): Operator {
  return {
    ...op,
    flops: op.flops * f,
    bytesRead: {
      weights: op.bytesRead.weights,
      activations: op.bytesRead.activations * f,
      kvCache: op.bytesRead.kvCache * f,
    },
    bytesWritten: {
      ...op.bytesWritten,
      activations: op.bytesWritten.activations * f,
      kvCache: op.bytesWritten.kvCache * f,
    },
    ...(op.shape !== undefined ? { shape: { ...op.shape, m: op.shape.m * f } } : {}),
  };
}

function scaleWorkload(w: ModelWorkload, f: number): ModelWorkload {
  switch (w.phase) {
    case "decode":
      return { ...w, sequences: w.sequences * f, kvTokens: w.kvTokens * f };
    case "prefill":
      return {
        ...w,
        sequences: w.sequences * f,
        newTokens: w.newTokens * f,
        attendedTokenPairs: w.attendedTokenPairs * f,
      };
    default:
      return w;
  }
}

function scaleExpertTokens(options: LayerOperatorOptions, f: number): LayerOperatorOptions {
  const t = options.tokensPerLocalExpert;
  return {
    ...options,
    ...(typeof t === "number" ? { tokensPerLocalExpert: t * f } : {}),
    ...(options.sharedExpertTokens !== undefined
      ? { sharedExpertTokens: options.sharedExpertTokens * f }
      : {}),
  };
}
