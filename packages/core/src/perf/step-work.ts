/**
 * What one rank does in one microbatch of a step: the attention-DP group's workload, the tokens
 * each rank dispatches, the operator options of its shard, and the kinds of rank whose MoE work
 * differs (the hottest routed-expert rank; a rank hosting shared-expert replicas).
 */
import { componentPrecisionOptions, expertImbalanceFactor, type ImbalanceResult } from "../deploy/index.ts";
import type { FixedExpertLoad, LayerOperatorOptions, ModelWorkload } from "../model/index.ts";
import { fabricModel } from "../network/index.ts";
import { sharedExpertTp } from "./shared-expert-tp.ts";
import type { StepBatch, StepContext } from "./step-context.ts";

export interface RankKind {
  readonly name: "routed-expert" | "shared-expert" | "all";
  readonly options: LayerOperatorOptions;
}

export interface MicrobatchWork {
  /** Microbatches per step. */
  readonly microbatches: number;
  /** Tokens per sequence in the main model (1 + MTP draft tokens in decode). */
  readonly tokensPerSequence: number;
  /** One microbatch of one attention-DP group. */
  readonly groupWorkload: ModelWorkload;
  /** Tokens of the group's microbatch that pass through attention. */
  readonly groupTokens: number;
  /** Tokens of one microbatch on the whole instance, and per rank (what each rank dispatches). */
  readonly instanceTokens: number;
  readonly tokensPerRank: number;
  /** Operator options of the rank's shard (no expert placement). */
  readonly base: LayerOperatorOptions;
  readonly rankKinds: readonly RankKind[];
  readonly imbalance: ImbalanceResult;
}

/**
 * Splits an instance batch into one rank's microbatch work.
 * @example microbatchWork(ctx, { phase: "decode", sequences: 15360, kvTokens: 15360 * 4096 }).tokensPerRank // 48
 */
export function microbatchWork(ctx: StepContext, batch: StepBatch): MicrobatchWork {
  const { scenario, plan } = ctx;
  const arch = scenario.model;
  const precision = scenario.precision;
  const m = plan.overlap?.microbatches ?? 1;
  const q = batch.phase === "decode" && plan.mtp !== undefined ? 1 + plan.mtp.draftTokens : 1;
  const dp = plan.attention.dp;
  let groupWorkload: ModelWorkload;
  let instanceTokens: number;
  let groupTokens: number;
  // CUDA-graph padding rows (decode): one dummy request repeated, so they follow no routing.
  let paddingTokens = 0;
  if (batch.phase === "decode") {
    paddingTokens = ((batch.paddingSequences ?? 0) * q) / m;
    const sequences = batch.sequences / dp / m;
    groupWorkload = {
      phase: "decode",
      sequences,
      kvTokens: batch.kvTokens / dp / m,
      tokensPerSequence: q,
      ...(paddingTokens > 0 && { paddingSequences: paddingTokens / q / dp }),
    };
    groupTokens = sequences * q;
    instanceTokens = (batch.sequences * q) / m;
  } else {
    groupWorkload = {
      phase: "prefill",
      sequences: batch.sequences / dp / m,
      newTokens: batch.newTokens / dp / m,
      attendedTokenPairs: batch.attendedTokenPairs / dp / m,
      ...(batch.contextTokens !== undefined && { contextTokens: batch.contextTokens / dp / m }),
    };
    groupTokens = batch.newTokens / dp / m;
    instanceTokens = batch.newTokens / m;
  }
  const tokensPerRank = instanceTokens / plan.ranksPerInstance;
  const base: LayerOperatorOptions = {
    weightDtype: precision.weights,
    computeDtype: precision.activations,
    kvDtype: precision.kvCache,
    attentionDtype: precision.attention,
    ...(precision.indexer !== undefined && { indexerDtype: precision.indexer }),
    ...(precision.linearState !== undefined && { linearStateDtype: precision.linearState }),
    componentPrecision: componentPrecisionOptions(precision),
    ...(precision.weightScheme !== undefined && { weightScheme: precision.weightScheme }),
    attentionTp: plan.attention.tp,
    ...(plan.lmHead !== undefined && { lmHeadTp: plan.lmHead.tp }),
    ffnTp: plan.denseFfn.tp,
    // A dense FFN over more ranks than the attention runs the gathered tokens of its attention groups.
    ...(plan.denseFfn.tp > plan.attention.tp && { ffnGather: plan.denseFfn.tp / plan.attention.tp }),
    ...dsaPrefillForm(ctx, groupWorkload),
    ...(fullSquarePrefill(ctx, groupWorkload) && { fullSquarePrefill: true }),
  };

  const moe = plan.moe;
  const topK = arch.moe?.topK ?? 0;
  let imbalance: ImbalanceResult = { factor: 1, basis: "no routed experts" };
  const rankKinds: RankKind[] = [];
  if (moe !== undefined && arch.moe !== undefined) {
    const routedSlots = moe.routedExperts + moe.redundantExperts;
    const routedTokens = instanceTokens - paddingTokens;
    imbalance = expertImbalanceFactor(plan.expertImbalance, {
      routedAssignments: routedTokens * topK,
      ranks: Math.max(1, Math.round(routedSlots / moe.slotsPerRank)),
      routedExperts: moe.routedExperts,
      redundantExperts: moe.redundantExperts,
      expertGroups: arch.moe.numExpertGroups,
      nodes: Math.ceil(plan.chipsPerInstance / scenario.system.node.accelerator.count.value),
      topK,
      ranksPerDomain: fabricModel(scenario.fabricTarget).ranksPerSystem,
    });
    const perSlot = (routedTokens * topK) / routedSlots;
    const fixedExpertLoad = paddingLoad(paddingTokens, q, topK, moe.slotsPerRank, routedSlots);
    const fused =
      moe.redundantExperts === 0 &&
      scenario.engine?.fusesSharedExpert({
        chip: scenario.system.node.accelerator.chip,
        model: arch,
        ep: moe.ep,
      }) === true;
    const sharedTp = sharedExpertTp(plan, fused);
    rankKinds.push({
      name: "routed-expert",
      options: {
        ...base,
        localExperts: moe.slotsPerRank,
        // Expert tensor parallelism: the rank runs its 1/tp slice of each local expert for every
        // token routed there (not 1/tp of the tokens on whole experts), so the experts touched, and
        // their per-expert costs, are those of the full routing.
        tokensPerLocalExpert: perSlot * imbalance.factor,
        balancedTokensPerLocalExpert: perSlot,
        ...(fixedExpertLoad !== undefined && { fixedExpertLoad }),
        expertTp: moe.tp,
        sharedExpertTokens: moe.dedicatedSharedReplicas > 0 ? 0 : sharedExpertTokens(tokensPerRank, sharedTp),
        sharedExpertTp: sharedTp,
        // (with dedicated shared replicas the rank runs no shared tokens, so nothing fuses: sharedExpertsFused)
        ...(fused && { sharedExpertFused: true }),
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
  return {
    microbatches: m,
    tokensPerSequence: q,
    groupWorkload,
    groupTokens,
    instanceTokens,
    tokensPerRank,
    base,
    rankKinds,
    imbalance,
  };
}

/**
 * The shared-expert rows of one rank: the tokens its shared-expert tensor-parallel group holds. A
 * group of `sharedTp` ranks splits the shared expert's width `sharedTp` ways (the dense SwiGLU over
 * `ffnTp`, or a fused 257th expert over the expert TP) and runs it over all of the group's tokens —
 * `sharedTp` ranks' worth of the instance's even share — so each token's shared expert is computed
 * once per instance, and a rank does 1 / ranks of it. (Dividing the tokens by the ranks as well as
 * the width by `sharedTp` counted it `sharedTp` times too small.)
 * @example sharedExpertTokens(1024, 8) // 8192: TP8 attention, every rank holds all 8,192 tokens
 */
export function sharedExpertTokens(tokensPerRank: number, sharedTp: number): number {
  return tokensPerRank * sharedTp;
}

/**
 * The padding rows' expert load on the busiest routed-expert rank: the dummy request's tokens (one
 * per position, `q` with draft tokens) are the same on every row and every rank, so each position's
 * top-k experts take all `paddingTokens / q` rows; the rank holds its share of those k·q experts,
 * at least one. Undefined without padding.
 * @example paddingLoad(116, 1, 1, 32, 128) // { experts: 1, tokens: 116 }
 */
function paddingLoad(
  paddingTokens: number,
  q: number,
  topK: number,
  localSlots: number,
  routedSlots: number,
): FixedExpertLoad | undefined {
  if (!(paddingTokens > 0) || topK <= 0) return undefined;
  const sets = topK * q;
  const experts = Math.min(sets, localSlots, Math.ceil((sets * localSlots) / routedSlots - 1e-9));
  return { experts, tokens: paddingTokens / q };
}

/**
 * The MLA form of a DSA prefill as the engine runs it (its `dsaPrefill`): the absorbed (MQA)
 * sparse kernel — over the whole top-k width and padded query heads where the engine pads them —
 * or dense MHA (the naive form) while the prompts fit in the indexer's top-k. Nothing where the
 * model is not DSA, the step is a decode, or the engine records no form.
 */
function dsaPrefillForm(
  ctx: StepContext,
  w: ModelWorkload,
): Pick<LayerOperatorOptions, "mlaForm" | "dsaFullTopK" | "dsaHeadPad" | "dsaStagingCopies"> {
  const a = ctx.scenario.model.attention;
  if (w.phase !== "prefill" || a.kind !== "mla" || a.sparse === undefined) return {};
  const d = ctx.scenario.engine?.dsaPrefillFor(ctx.scenario.system.node.accelerator.chip);
  if (d === undefined) return {};
  const meanPrompt = (w.newTokens + (w.contextTokens ?? 0)) / Math.max(w.sequences, 1e-9);
  if (d.form === "mha-up-to-topk" && meanPrompt <= a.sparse.topK) return { mlaForm: "naive" };
  return {
    mlaForm: "absorbed",
    ...(d.padsTopK && { dsaFullTopK: true }),
    ...(d.padHeads !== undefined && { dsaHeadPad: d.padHeads }),
    ...(d.stagingCopies && { dsaStagingCopies: true }),
  };
}

/**
 * Whether the engine's prefill kernel of a model without MLA computes each whole new prompt's full
 * square (its `nonMlaPrefillAttention`); the layer drops it where the step has cached context.
 */
function fullSquarePrefill(ctx: StepContext, w: ModelWorkload): boolean {
  return (
    w.phase === "prefill" &&
    ctx.scenario.model.attention.kind !== "mla" &&
    ctx.scenario.engine?.nonMlaPrefillAttention === "full-square"
  );
}
