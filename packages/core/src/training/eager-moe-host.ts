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
 *   forward wait  = max(0, H_forward  − GPU forward of the layer and its EP transfers)
 *   backward wait = max(0, H_backward − GPU backward of the layer, recompute and EP transfers)
 *
 * With `overlap.ep` (Megatron's 1F1B all-to-all overlap: one micro-batch's forward interleaved
 * with another's backward) the two directions share one host thread and one GPU stream: one wait
 * max(0, H_f + H_b − G_f − G_b). Full recompute re-runs the forward (and its sync) in backward.
 * Each direction is a floor: it ignores the order of host and GPU work inside the segment.
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
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

/** Host seconds of one MoE layer's forward and backward for one micro-batch. */
export interface MoeLayerHost {
  readonly forwardS: number;
  readonly backwardS: number;
}

/**
 * Host work of one eager MoE layer per micro-batch on the scenario's host CPU.
 * @example moeLayerHostS(qwen3B200Scenario, 16) // { forwardS: ≈3.7e-3, backwardS: ≈5.3e-3 }
 */
export function moeLayerHostS(s: TrainingScenario, localExperts: number): MoeLayerHost {
  const scope = s.cudaGraphScope;
  if (scope === "full-iteration") return { forwardS: 0, backwardS: 0 };
  const d = eagerMoeHostData();
  const k = d.kernels;
  const cpu = s.system.node.cpu?.chip.id;
  const perKernel = d.perKernelS[cpu ?? ""] ?? d.perKernelS.default;
  const kernelS = perKernel?.value ?? 0;
  // Megatron-Core's CudaGraphManager replays the whole layer: one graph launch each way.
  if (scope === "transformer-layer")
    return { forwardS: k.graphLaunch * kernelS, backwardS: k.graphLaunch * kernelS };
  // The TE-spec layer's eager kernels cost more host time than the local spec's (empirical scale).
  const eagerS = kernelS * d.teSpecHostFactor.value;
  // Per-expert host time is measured on Grace; other hosts scale by the per-kernel ratio.
  const expertScale = kernelS / (d.perKernelS.grace?.value ?? kernelS);
  const format = s.precision.compute === "fp8" ? "fp8" : "bf16";
  // A captured module costs one graph launch; an eager one its kernels at the TE-spec host time.
  const module = (m: GraphScopeModule, kernels: number) =>
    scope.includes(m) ? k.graphLaunch * kernelS : kernels * eagerS;
  const forwardS =
    module("attn", k.attentionForward[format]) +
    module("moe_router", k.routerForward) +
    module("moe_preprocess", k.preprocessForward) +
    k.afterSyncForward[format] * eagerS +
    localExperts * d.perExpertS.forward.value * expertScale;
  const backwardS =
    module("attn", k.attentionBackward[format]) +
    module("moe_router", k.routerBackward) +
    module("moe_preprocess", k.preprocessBackward) +
    (k.afterSyncBackward[format] + (s.recompute === "selective" ? k.selectiveRecompute : 0)) * eagerS +
    localExperts * d.perExpertS.backward.value * expertScale;
  // Full recompute re-runs the layer's forward, sync included, inside the backward.
  return { forwardS, backwardS: s.recompute === "full" ? backwardS + forwardS : backwardS };
}

/**
 * What the GPU waits for the host in one MoE layer of one micro-batch.
 * @example eagerHostWait({ forwardS: 2e-3, backwardS: 2e-3 }, 1e-3, 3e-3, false) // { forwardS: 1e-3, backwardS: 0 }
 */
export function eagerHostWait(
  host: MoeLayerHost,
  gpuForwardS: number,
  gpuBackwardS: number,
  overlapped: boolean,
): MoeLayerHost {
  if (overlapped)
    return {
      forwardS: 0,
      backwardS: Math.max(0, host.forwardS + host.backwardS - gpuForwardS - gpuBackwardS),
    };
  return {
    forwardS: Math.max(0, host.forwardS - gpuForwardS),
    backwardS: Math.max(0, host.backwardS - gpuBackwardS),
  };
}

/**
 * A MoE layer's times with the GPU's wait for the host added to forward and backward.
 * @example withEagerHostWait(moeLayerTimes, scenario, 16, { dispatchS: 6e-5, combineS: 1.3e-4, probsS: 0 }).hostWaitS
 */
export function withEagerHostWait(
  t: ComputeTimes,
  s: TrainingScenario,
  localExperts: number,
  ep: EpLayerComm,
): ComputeTimes {
  // EP transfers run on the GPU between the layer's kernels unless overlapped with other work.
  const epS = s.overlap.ep ? 0 : ep.dispatchS + ep.combineS + ep.probsS;
  // Padded token drop makes no sync (token_dispatcher.py: cuda_sync_point stays no_sync): the host
  // is not fenced per layer, so forward and backward share one wait, as under the EP overlap.
  const unfenced = s.moeCapacity?.pad === true;
  const wait = eagerHostWait(
    moeLayerHostS(s, localExperts),
    t.forwardS + epS,
    t.backwardDataS + t.backwardWeightS + t.recomputeS + epS,
    s.overlap.ep || unfenced,
  );
  return {
    ...t,
    forwardS: t.forwardS + wait.forwardS,
    backwardDataS: t.backwardDataS + wait.backwardS,
    hostWaitS: wait.forwardS + wait.backwardS,
  };
}
