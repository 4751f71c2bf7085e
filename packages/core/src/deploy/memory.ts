/**
 * Memory per rank of an instance: weights placed per the deployment, the KV cache of the operating
 * point, MoE communication buffers and activations — compared with the device's HBM.
 *
 * - Weights: attention replicated under DP and split under TP; dense FFN split by its TP; routed
 *   experts by slot (routed + redundant + dedicated shared copies over EP, split by MoE TP); a
 *   shared expert on every rank unless it has dedicated replicas; router, embedding, LM head and
 *   MTP projections replicated. Each component in its own format (`precision.components`), with
 *   the quantization scales `model/weight-bytes.ts` defines.
 * - KV cache: sequences per attention-DP group × KV length × bytes per token (MTP layers
 *   included). MLA's latent is not split by heads, so every TP rank holds it; GQA splits KV heads.
 * - Buffers (hardware.md §2.6): dispatch = EP × tokens per rank × dispatch bytes per token;
 *   combine = EP × tokens per rank × combine bytes per token (both in moe-payload.ts).
 * - Activations: a working set of a few hidden-sized and intermediate-sized tensors per token
 *   of one microbatch (an estimate; flash attention keeps no n² scores).
 */
import {
  headTensors,
  kvBytesPerToken,
  type ModelArchitecture,
  modelLayerTensors,
  mtpModuleTensors,
  tensorBytes,
  type WeightTensor,
  weightFormat,
} from "../model/index.ts";
import { combineBytesPerToken, dispatchBytesPerToken } from "./moe-payload.ts";
import type { InstancePlan, Precision } from "./plan.ts";
import { decodeSequences } from "./plan-operating-point.ts";
import { precisionWeightFormats } from "./precision.ts";

/** Where the HBM of a rank (or a chip, `perChip`) goes, against its capacity. */
export interface MemoryBreakdown {
  readonly weightsBytes: number;
  readonly kvCacheBytes: number;
  readonly communicationBuffersBytes: number;
  readonly activationsBytes: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
  /** Bytes left for more KV cache (negative when it does not fit). */
  readonly freeBytes: number;
}

/** The breakdown of `ranks` ranks alike (a chip of two dies: 2). @example perChip(rank, 2).totalBytes */
export function perChip(rank: MemoryBreakdown, ranks: number): MemoryBreakdown {
  return {
    weightsBytes: rank.weightsBytes * ranks,
    kvCacheBytes: rank.kvCacheBytes * ranks,
    communicationBuffersBytes: rank.communicationBuffersBytes * ranks,
    activationsBytes: rank.activationsBytes * ranks,
    totalBytes: rank.totalBytes * ranks,
    capacityBytes: rank.capacityBytes * ranks,
    freeBytes: rank.freeBytes * ranks,
  };
}

/**
 * Activation working set per token in flight on a rank: a few hidden-sized and one widest
 * intermediate-sized tensor pair (gate and up) in BF16 (an estimate).
 * @example activationBytesPerToken(arch, plan) * 2048 // bytes for a 2,048-token iteration
 */
export function activationBytesPerToken(arch: ModelArchitecture, plan: InstancePlan): number {
  const moe = plan.moe;
  const widest = Math.max(
    arch.denseIntermediateSize / plan.denseFfn.tp,
    arch.moe !== undefined
      ? ((arch.ffnActivation === "relu2" ? 1 : 2) *
          arch.moe.expertIntermediateSize *
          Math.max(1, arch.moe.topK)) /
          (moe?.tp ?? 1)
      : 0,
  );
  return (4 * arch.hiddenSize + 2 * widest) * 2;
}

export interface RankMemory extends MemoryBreakdown {
  readonly weightsByComponent: Readonly<Record<string, number>>;
  /** KV-cache bytes per token on this rank (MTP layers included; TP-split for GQA). */
  readonly kvBytesPerTokenOnRank: number;
}

/** The decoder layers one pipeline stage holds (the first stage also holds the embedding, the last the LM head and MTP modules). */
export interface StageRange {
  readonly firstLayer: number;
  readonly layers: number;
  readonly first: boolean;
  readonly last: boolean;
}

/** Tokens each rank sends through dispatch in one step (all microbatches), and sequences per DP group. */
export function rankLoad(plan: InstancePlan): { sequencesPerDpGroup: number; tokensPerRank: number } {
  const tokensPerStepPerSeq = plan.mtp !== undefined ? 1 + plan.mtp.draftTokens : 1;
  if (plan.role === "prefill") {
    const tokens = ((plan.tokensPerChip ?? 0) * plan.chipsPerInstance) / plan.ranksPerInstance;
    const groupTokens = ((plan.tokensPerChip ?? 0) * plan.chipsPerInstance) / plan.attention.dp;
    return { sequencesPerDpGroup: groupTokens / (plan.promptLength ?? 1), tokensPerRank: tokens };
  }
  const seqs = decodeSequences(plan) / plan.attention.dp;
  const decodeTokens = (decodeSequences(plan) * tokensPerStepPerSeq) / plan.ranksPerInstance;
  if (plan.role === "colocated") {
    const prefillTokens = ((plan.tokensPerChip ?? 0) * plan.chipsPerInstance) / plan.ranksPerInstance;
    return { sequencesPerDpGroup: seqs, tokensPerRank: Math.max(decodeTokens, prefillTokens) };
  }
  return { sequencesPerDpGroup: seqs, tokensPerRank: decodeTokens };
}

/**
 * KV-cache bytes per token of a served model in the scenario's formats: MTP layers included, the
 * DSA indexer's keys and linear-attention state in their formats, windowed layers and fixed state
 * amortised over `meanContext` where it is given (model/kv-cache.ts `kvBytesPerToken`);
 * `withoutLinearState` leaves the recurrent state out (the KV pool of an engine that keeps the state
 * in a pool of its own, perf/hybrid-state-pool.ts).
 * @example servingKvBytesPerToken(builtinModel("deepseek-v3"), precision, 4096)
 */
export function servingKvBytesPerToken(
  arch: ModelArchitecture,
  precision: Precision,
  meanContext: number | undefined,
  attentionTp?: number,
  withoutLinearState = false,
): number {
  return kvBytesPerToken(arch, precision.kvCache, {
    includeMtp: true,
    ...(withoutLinearState && { withoutLinearState }),
    ...(attentionTp !== undefined && { attentionTp }),
    ...(precision.indexer !== undefined && { indexerDtype: precision.indexer }),
    ...(precision.linearState !== undefined && { linearStateDtype: precision.linearState }),
    ...(meanContext !== undefined && meanContext > 0 ? { contextTokens: meanContext } : {}),
  });
}

/**
 * Memory of one rank (the most loaded kind of rank) of an instance group.
 * @example rankMemory(arch, precision, plan, 64e9).totalBytes
 */
export function rankMemory(
  arch: ModelArchitecture,
  precision: Precision,
  plan: InstancePlan,
  capacityBytes: number,
  range?: StageRange,
): RankMemory {
  const { byComponent, weightsBytes } = rankWeights(arch, precision, plan, range);
  const mtpModules = range === undefined || range.last ? arch.mtpModules : 0;
  const moe = plan.moe;

  const load = rankLoad(plan);
  // A stage keeps the KV of its own layers (and of the MTP layers when it is the last).
  const layerShare =
    range !== undefined ? (range.layers + mtpModules) / (arch.numLayers + arch.mtpModules) : 1;
  // Sliding-window layers' cache is amortised over the operating point's mean context.
  const meanContext = plan.role === "prefill" ? plan.promptLength : plan.kvLength;
  // Each layer's KV splits over its own KV heads under attention TP (layer-attention.ts kvHeadSplit).
  const kvBytesPerTokenOnRank =
    servingKvBytesPerToken(arch, precision, meanContext, plan.attention.tp) * layerShare;
  const kvTokens =
    plan.role === "prefill"
      ? load.sequencesPerDpGroup * (plan.promptLength ?? 0)
      : load.sequencesPerDpGroup * (plan.kvLength ?? 0);
  const kvCacheBytes = kvTokens * kvBytesPerTokenOnRank;

  let communicationBuffersBytes = 0;
  if (moe !== undefined) {
    const perToken = dispatchBytesPerToken(arch, precision) + combineBytesPerToken(arch, precision);
    communicationBuffersBytes = moe.ep * load.tokensPerRank * perToken;
  }
  const microbatches = plan.overlap?.microbatches ?? 1;
  const tokensInFlight = (load.tokensPerRank / microbatches) * Math.min(microbatches, 2);
  const activationsBytes = tokensInFlight * activationBytesPerToken(arch, plan);

  const totalBytes = weightsBytes + kvCacheBytes + communicationBuffersBytes + activationsBytes;
  return {
    weightsBytes,
    weightsByComponent: byComponent,
    kvCacheBytes,
    communicationBuffersBytes,
    activationsBytes,
    totalBytes,
    capacityBytes,
    freeBytes: capacityBytes - totalBytes,
    kvBytesPerTokenOnRank,
  };
}

interface RankWeights {
  readonly byComponent: Readonly<Record<string, number>>;
  readonly weightsBytes: number;
}

/**
 * The weights one rank holds, per component: a function of the model, the weight formats and the
 * plan's sharding only (not the batch), so it is memoised per model and sharding (a search asks
 * for the same sharding at every batch).
 */
function rankWeights(
  arch: ModelArchitecture,
  precision: Precision,
  plan: InstancePlan,
  range: StageRange | undefined,
): RankWeights {
  const formats = precisionWeightFormats(precision);
  const moe = plan.moe;
  const key = JSON.stringify([
    formats,
    plan.attention.tp,
    plan.denseFfn.tp,
    plan.lmHead?.tp ?? null,
    moe === undefined ? null : [moe.slotsPerRank, moe.tp, moe.dedicatedSharedReplicas],
    range ?? null,
    plan.mtp?.weights ?? null,
  ]);
  let byKey = weightsMemo.get(arch);
  if (byKey === undefined) {
    byKey = new Map();
    weightsMemo.set(arch, byKey);
  }
  let weights = byKey.get(key);
  if (weights === undefined) {
    weights = placeWeights(arch, formats, plan, range);
    byKey.set(key, weights);
  }
  return { byComponent: { ...weights.byComponent }, weightsBytes: weights.weightsBytes };
}

const weightsMemo = new WeakMap<ModelArchitecture, Map<string, RankWeights>>();

function placeWeights(
  arch: ModelArchitecture,
  { format, overrides }: ReturnType<typeof precisionWeightFormats>,
  plan: InstancePlan,
  range: StageRange | undefined,
): RankWeights {
  const mainBytes = (t: WeightTensor) => tensorBytes(t, format, overrides);
  // A draft loaded in a format of its own (mtp.weights) stores every MTP matrix in it.
  const draftFormat = plan.mtp?.weights !== undefined ? weightFormat(plan.mtp.weights) : undefined;
  const draftBytes = draftFormat !== undefined ? (t: WeightTensor) => tensorBytes(t, draftFormat) : mainBytes;
  const byComponent: Record<string, number> = {};
  const add = (component: string, value: number) => {
    byComponent[component] = (byComponent[component] ?? 0) + value;
  };
  const moe = plan.moe;
  const placeTensor = (t: WeightTensor, component: string, bytes = mainBytes) => {
    switch (t.component) {
      case "attention":
        add(component, (bytes(t) * t.copies) / (t.quantizable ? plan.attention.tp : 1));
        break;
      case "dense-ffn":
        add(component, (bytes(t) * t.copies) / plan.denseFfn.tp);
        break;
      case "routed-experts": {
        // Slots on this rank: routed (+ redundant) copies; a dedicated-shared rank holds shared copies instead.
        const slots = moe?.slotsPerRank ?? t.copies;
        add(component, (bytes(t) * slots) / (moe?.tp ?? 1));
        break;
      }
      case "shared-experts":
        if (moe === undefined || moe.dedicatedSharedReplicas === 0)
          add(component, (bytes(t) * t.copies) / (moe?.tp ?? 1));
        break;
      case "lm-head":
        // Vocabulary-parallel: split by the LM head's own group where stated, else by attention
        // TP — as the head is timed (model/layer-operators.ts).
        add(component, (bytes(t) * t.copies) / (plan.lmHead?.tp ?? plan.attention.tp));
        break;
      case "router":
      case "embedding":
      case "mtp":
        add(component, bytes(t) * t.copies);
        break;
      default: {
        const never: never = t.component;
        return never;
      }
    }
  };
  const allLayers = modelLayerTensors(arch);
  const stageLayers =
    range !== undefined ? allLayers.slice(range.firstLayer, range.firstLayer + range.layers) : allLayers;
  for (const layer of stageLayers) for (const t of layer) placeTensor(t, t.component);
  const mtpModules = range === undefined || range.last ? arch.mtpModules : 0;
  // MTP modules: their decoder layer is placed like a main layer (attention split by TP, experts by
  // slot); their projections and norms are replicated.
  for (let m = 0; m < mtpModules; m++)
    for (const t of mtpModuleTensors(arch)) {
      if (t.placeAs !== undefined) placeTensor({ ...t, component: t.placeAs }, "mtp", draftBytes);
      else add("mtp", draftBytes(t) * t.copies);
    }
  for (const t of headTensors(arch))
    if (range === undefined || (t.component === "embedding" ? range.first : range.last))
      placeTensor(t, t.component);
  let weightsBytes = 0;
  for (const v of Object.values(byComponent)) weightsBytes += v;
  return { byComponent, weightsBytes };
}
