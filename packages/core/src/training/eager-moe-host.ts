/**
 * The GPU's wait for the host in an eager (not CUDA-graphed) dropless Megatron-Core MoE layer.
 *
 * Megatron-Core copies the tokens-per-expert counts to the host once per MoE layer forward: the
 * all-to-all dispatcher blocks on `d2h_event.synchronize()` before the EP all-to-all (the split
 * sizes are host lists), HybridEP inside `dispatch_with_permute` (host metadata to size the
 * permuted output), and TEGroupedMLP takes `tokens_per_expert.tolist()` as the grouped GEMM's
 * sizes. So the GPU drains at every MoE layer and then runs only what the host launches after it.
 * The backward reuses the saved host splits: no sync, the host may run ahead of the GPU.
 *
 * Host work per MoE layer per micro-batch (data/training/eager-moe-host.yaml): kernels of the
 * layer's eager modules × the host time per launched kernel of Megatron's eager code (measured on an
 * x86 host on the local spec, Grace by PyTorch's Python-level call ratio) × the TE-spec host factor
 * (an empirical scale sized on one row, docs/accuracy/te-spec-moe-host-factor.md: on x86 it exceeds
 * the sourced TE-over-plain-PyTorch host ratio, so it also carries host work not counted), plus per
 * local expert Transformer Engine's grouped-MLP host time. A module in the recipe's `cudaGraphScope` (attn, moe_router,
 * moe_preprocess) costs one graph launch; `full-iteration` graphs (no sync: NeMo 26.06+ paged
 * stash) cost nothing. The routed experts and everything after the sync are never graphed in a
 * dropless layer; `transformer-layer` (Megatron-Core 0.14's `enable_cuda_graph`, scope `full`, on a
 * layer padded to capacity: static shapes, no sync) replays the whole layer, one launch each way.
 *
 * The forward is host-paced between syncs (docs/accuracy/hybridep-host-syncs-by-version-and-the-post-sync-segment.md):
 * after the sync the host launches the post-sync part B (dispatch, experts, combine), then the layers
 * up to the next MoE layer X (graphed or uncounted: no host work here) and that layer's pre-sync part
 * A (attention, router, EP preprocess), then blocks again. The GPU runs B no sooner than the host
 * launches it, and X and A only after B, so one sync-to-sync segment takes
 * max(H_B + H_A, max(H_B, G_B) + G_X + G_A), and the GPU's wait in it is
 *
 *   forward wait  = max(0, H_B − G_B, H_A + H_B − G_A − G_B − G_X)   (G_B with the EP transfers)
 *   backward wait = max(0, H_backward − GPU backward of the layer, recompute and EP transfers)
 *
 * (A is the next MoE layer's pre-sync part, taken as this layer's. G_X, the GPU time of the other
 * layers between two MoE layers, is taken as 0 — `eagerHostWait` sees one MoE layer's GPU time only —
 * and their host work is not counted either; in a hybrid stack (Nemotron 3's Mamba-2 blocks) the
 * second term then overstates the wait where those layers are graphed and may understate it where
 * they run eagerly.)
 *
 * With `overlap.ep` (Megatron's 1F1B all-to-all overlap: one micro-batch's forward interleaved
 * with another's backward) the two directions share one host thread and one GPU stream: one wait
 * max(0, H_f + H_b − G_f − G_b). Full recompute re-runs the forward (and its sync) in backward.
 * The backward (no sync) is a floor per layer: it ignores the order of host and GPU work in it.
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import type { Operator } from "../model/index.ts";
import { inlineSourcedValueSchema, inlineSourceSchema } from "../spec/index.ts";
import type { EpLayerComm } from "./ep-layer-comm.ts";
import type { ComputeTimes } from "./operator-times.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const seconds = inlineSourcedValueSchema(z.number().positive());
const count = z.number().int().nonnegative();
const byFormat = z.strictObject({ bf16: count, fp8: count });

const fileSchema = z.strictObject({
  perKernelS: z
    .record(z.string(), seconds)
    .refine((r) => r.default !== undefined, { message: "perKernelS needs a `default` entry" }),
  perExpertS: z.strictObject({ forward: seconds, backward: seconds }),
  teSpecHostFactor: inlineSourcedValueSchema(z.number().positive()),
  kernels: z.strictObject({
    tag: z.literal("estimate"),
    source: inlineSourceSchema,
    attentionForward: byFormat,
    attentionBackward: byFormat,
    routerForward: count,
    routerBackward: count,
    preprocessForward: count,
    preprocessBackward: count,
    afterSyncForward: byFormat,
    afterSyncBackward: byFormat,
    graphLaunch: count,
    selectiveRecompute: count,
    hybridepCombineCall: count,
  }),
});
export type EagerMoeHostData = z.output<typeof fileSchema>;

/** The built-in host costs and kernel counts with their sources (parsed once). */
export const eagerMoeHostData: () => EagerMoeHostData = builtinDataOnce(
  "training/eager-moe-host.yaml",
  fileSchema,
);

/** A module Megatron can capture in a partial CUDA graph (`cuda_graph_scope`). */
export type GraphScopeModule = Exclude<
  TrainingScenario["cudaGraphScope"],
  "full-iteration" | "transformer-layer"
>[number];

/**
 * Whether a MoE layer's operator is launched before the layer's sync: everything but the routed
 * and shared experts, the combine and the latent projection back (Megatron-LM MoELayer.forward:
 * router and preprocess, then dispatch, then the experts; the latent projection to the dispatch
 * width precedes the dispatch).
 * @example launchedBeforeMoeSync({ name: "moe.router" }) // true
 */
export function launchedBeforeMoeSync(op: Pick<Operator, "name">): boolean {
  if (!/(^|\.)moe\./.test(op.name)) return true;
  return /(^|\.)moe\.(router|topk|hash_select|fc1_latent_proj)$/.test(op.name);
}

/** Host seconds of one MoE layer's forward and backward for one micro-batch. */
export interface MoeLayerHost {
  readonly forwardS: number;
  readonly backwardS: number;
  /** The parts launched after the dispatch's sync (post-sync kernels and experts), each direction. */
  readonly forwardAfterSyncS: number;
  readonly backwardAfterSyncS: number;
  /** HybridEP's combine call (its unpermute and combine kernels), inside the after-sync parts. */
  readonly combineCallS: number;
}

/** A layer with no eager host work (replayed inside a whole-iteration graph). */
const NO_HOST: MoeLayerHost = {
  forwardS: 0,
  backwardS: 0,
  forwardAfterSyncS: 0,
  backwardAfterSyncS: 0,
  combineCallS: 0,
};

/** GPU seconds of one MoE layer in one direction, split where the host first blocks. */
export interface MoeLayerGpu {
  /** Attention, router and EP preprocess (their backward in backward): launched before the sync. */
  readonly beforeSyncS: number;
  /** Dispatch, experts, combine, token copies and EP transfers: launched after it. */
  readonly afterSyncS: number;
  /** The EP combine transfer inside afterSyncS (what follows HybridEP's combine call). */
  readonly combineS: number;
}

/**
 * Host work of one eager MoE layer per micro-batch on the scenario's host CPU.
 * @example moeLayerHostS(qwen3B200Scenario, 16) // { forwardS: ≈3.7e-3, backwardS: ≈5.3e-3 }
 */
export function moeLayerHostS(s: TrainingScenario, localExperts: number): MoeLayerHost {
  const scope = s.cudaGraphScope;
  if (scope === "full-iteration") return NO_HOST;
  const d = eagerMoeHostData();
  const k = d.kernels;
  const cpu = s.system.node.cpu?.chip.id;
  const perKernel = d.perKernelS[cpu ?? ""] ?? d.perKernelS.default;
  const kernelS = perKernel?.value ?? 0;
  // Megatron-Core's CudaGraphManager replays the whole layer: one graph launch each way.
  if (scope === "transformer-layer")
    return { ...NO_HOST, forwardS: k.graphLaunch * kernelS, backwardS: k.graphLaunch * kernelS };
  // The TE-spec layer's eager kernels cost more host time than the local spec's (empirical scale).
  const eagerS = kernelS * d.teSpecHostFactor.value;
  // Per-expert host time is measured on Grace; other hosts scale by the per-kernel ratio.
  const expertScale = kernelS / (d.perKernelS.grace?.value ?? kernelS);
  const format = s.precision.compute === "fp8" ? "fp8" : "bf16";
  // A captured module costs one graph launch; an eager one its kernels at the TE-spec host time.
  const module = (m: GraphScopeModule, kernels: number) =>
    scope.includes(m) ? k.graphLaunch * kernelS : kernels * eagerS;
  const forwardAfterSyncS =
    k.afterSyncForward[format] * eagerS + localExperts * d.perExpertS.forward.value * expertScale;
  const forwardS =
    module("attn", k.attentionForward[format]) +
    module("moe_router", k.routerForward) +
    module("moe_preprocess", k.preprocessForward) +
    forwardAfterSyncS;
  const backwardAfterSyncS =
    (k.afterSyncBackward[format] + (s.recompute === "selective" ? k.selectiveRecompute : 0)) * eagerS +
    localExperts * d.perExpertS.backward.value * expertScale;
  const backwardS =
    module("attn", k.attentionBackward[format]) +
    module("moe_router", k.routerBackward) +
    module("moe_preprocess", k.preprocessBackward) +
    backwardAfterSyncS;
  // Full recompute re-runs the layer's forward, sync included, inside the backward.
  const full = s.recompute === "full";
  return {
    forwardS,
    backwardS: full ? backwardS + forwardS : backwardS,
    forwardAfterSyncS,
    backwardAfterSyncS: full ? backwardAfterSyncS + forwardAfterSyncS : backwardAfterSyncS,
    combineCallS: k.hybridepCombineCall * eagerS,
  };
}

/** The GPU's wait in one segment that starts at a sync: the host launches, the GPU follows. */
const segmentWait = (hostS: number, gpuS: number) => Math.max(0, hostS - gpuS);

/**
 * What the GPU waits for the host in one MoE layer of one micro-batch (forward, backward).
 * `dispatch`: one sync, at the forward dispatch; the post-sync part cannot be hidden by GPU work the
 * host launches after it, the rest of the forward is a floor. `every-call`: HybridEP blocks at its
 * dispatch and its combine in both directions, so each direction is two segments, each paced by
 * the slower of host and GPU: after the dispatch (experts; in backward the combine's gradient, a
 * dispatch, then the experts' backward) and after the combine (in forward the next layer's
 * attention, router and preprocess; in backward this layer's router and attention backward).
 * @example eagerHostWait(host, fwd, bwd, false, "dispatch").forwardS
 */
export function eagerHostWait(
  host: MoeLayerHost,
  forward: MoeLayerGpu,
  backward: MoeLayerGpu,
  overlapped: boolean,
  syncs: TrainingScenario["hybridepSyncs"],
): { readonly forwardS: number; readonly backwardS: number } {
  const gpuForwardS = forward.beforeSyncS + forward.afterSyncS;
  const gpuBackwardS = backward.beforeSyncS + backward.afterSyncS;
  if (overlapped)
    return {
      forwardS: 0,
      backwardS: segmentWait(host.forwardS + host.backwardS, gpuForwardS + gpuBackwardS),
    };
  if (syncs === "every-call") {
    const twoSegments = (hostS: number, hostAfterS: number, gpu: MoeLayerGpu) =>
      segmentWait(hostAfterS - host.combineCallS, gpu.afterSyncS - gpu.combineS) +
      segmentWait(hostS - hostAfterS + host.combineCallS, gpu.beforeSyncS + gpu.combineS);
    return {
      forwardS: twoSegments(host.forwardS, host.forwardAfterSyncS, forward),
      backwardS: twoSegments(host.backwardS, host.backwardAfterSyncS, backward),
    };
  }
  return {
    forwardS: Math.max(
      segmentWait(host.forwardAfterSyncS, forward.afterSyncS),
      segmentWait(host.forwardS, gpuForwardS),
    ),
    backwardS: segmentWait(host.backwardS, gpuBackwardS),
  };
}

/**
 * A MoE layer's times with the GPU's wait for the host added to forward and backward;
 * `beforeSync` the layer's times of the operators launched before its sync (`launchedBeforeMoeSync`).
 * @example withEagerHostWait(moeLayerTimes, scenario, 16, { dispatchS: 6e-5, combineS: 1.3e-4, probsS: 0 }, beforeSyncTimes).hostWaitS
 */
export function withEagerHostWait(
  t: ComputeTimes,
  s: TrainingScenario,
  localExperts: number,
  ep: EpLayerComm,
  beforeSync: ComputeTimes,
): ComputeTimes {
  // EP transfers run on the GPU between the layer's kernels unless overlapped with other work.
  const epS = s.overlap.ep ? 0 : ep.dispatchS + ep.combineS + ep.probsS;
  const combineS = s.overlap.ep ? 0 : ep.combineS;
  // Padded token drop makes no sync (token_dispatcher.py: cuda_sync_point stays no_sync): the host
  // is not fenced per layer, so forward and backward share one wait, as under the EP overlap.
  const unfenced = s.moeCapacity?.pad === true;
  const split = (totalS: number, beforeS: number): MoeLayerGpu => {
    const before = Math.min(beforeS, totalS);
    return { beforeSyncS: before, afterSyncS: totalS - before + epS, combineS };
  };
  const wait = eagerHostWait(
    moeLayerHostS(s, localExperts),
    split(t.forwardS, beforeSync.forwardS),
    split(
      t.backwardDataS + t.backwardWeightS + t.recomputeS,
      beforeSync.backwardDataS + beforeSync.backwardWeightS + beforeSync.recomputeS,
    ),
    s.overlap.ep || unfenced,
    s.hybridepSyncs,
  );
  return {
    ...t,
    forwardS: t.forwardS + wait.forwardS,
    backwardDataS: t.backwardDataS + wait.backwardS,
    hostWaitS: wait.forwardS + wait.backwardS,
  };
}
