/**
 * Megatron-Core's fine-grained activation offloading (`fine_grained_activation_offloading`,
 * `offload_modules`, `min_offloaded_tensor_size`; Megatron-LM 24bad8e6
 * `pipeline_parallel/fine_grained_activation_offload.py`, docs/user-guide/features/
 * fine_grained_activation_offloading.md), for the MoE expert modules: each listed module's saved
 * input tensors whose element count reaches the threshold are copied to pinned host memory on a
 * side stream when the module's forward commits (D2H), and copied back one group ahead of the
 * module's backward (H2D). The last group of each module name stays on the device (the manager's
 * offload margin, so the first reload does not stall the backward).
 *
 * Tensors per MoE layer per micro-batch on one rank, as `activation-memory.ts` counts them (R routed
 * copies = tokens × top-k ÷ tp, the expert tensors' sequence-parallel shard):
 * - `expert_fc1`: FC1's input, the permuted tokens at the dispatch width, kept as the weight-gradient
 *   copy (FP8 1 B, NVFP4 0.5625 B, else BF16);
 * - `moe_act`: the activation's input, FC1's output (BF16; two halves under a gated activation);
 * - `fused_group_mlp` (TE's op fuser): both, and FC2's input when nothing is recomputed.
 * Full recompute keeps none of them. Each tensor below `minTensorElements` stays on the device.
 *
 * Time: the transfers use the accelerator's host link (`hostLinkFor`: NVLink-C2C on GB200 / GB300,
 * PCIe elsewhere) at its per-accelerator share; per MoE layer and direction the GPU waits
 * max(0, transfer − the stage's forward (backward) GPU time per MoE layer), the time to the next
 * group's commit.
 */
import { hostLinkFor, moeTokenWidth } from "../deploy/index.ts";
import { ffnActivationInputs, gemmInputCopyBytes, trainingActivationOptions } from "./activation-memory.ts";
import type { ComputeTimes } from "./operator-times.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const BF16 = 2;

/** One tensor a module saves for its backward, per MoE layer and micro-batch on one rank. */
export interface SavedTensor {
  readonly name: string;
  readonly elements: number;
  readonly bytes: number;
}

/** The expert tensors the scenario's offloaded modules save, each with its size (before the threshold). */
export function offloadCandidates(s: TrainingScenario, tokensPerRank: number): SavedTensor[] {
  const o = s.activationOffload;
  const moe = s.model.moe;
  if (o === undefined || moe === undefined || s.recompute === "full") return [];
  const routed = (tokensPerRank * moe.topK) / s.layout.tp;
  const copy = gemmInputCopyBytes(trainingActivationOptions(s));
  const gated = ffnActivationInputs(s.model);
  const ffn = moe.expertIntermediateSize;
  const fused = o.modules.includes("fused_group_mlp");
  const out: SavedTensor[] = [];
  const add = (name: string, elements: number, bytesPer: number) =>
    out.push({ name, elements, bytes: elements * bytesPer });
  if (fused || o.modules.includes("expert_fc1"))
    add("expert FC1 input", routed * moeTokenWidth(s.model), copy);
  if (fused || o.modules.includes("moe_act"))
    add("activation input (FC1 output)", routed * ffn * gated, BF16);
  if (fused && s.recompute === "none") add("expert FC2 input", routed * ffn, copy);
  return out;
}

export interface ActivationOffload {
  /** Bytes one MoE layer moves to the host per micro-batch (tensors at or above the threshold). */
  readonly bytesPerLayer: number;
  /** Groups kept on the device: one per module name (the manager's offload margin). */
  readonly margin: number;
  /** Seconds one copy takes each way on the rank's share of the host link. */
  readonly transferS: number;
  readonly link: string;
}

/**
 * What the scenario offloads per MoE layer and micro-batch, or undefined when nothing qualifies.
 * @example activationOffload(ultraGb300, 8192)?.bytesPerLayer // 1.85e9 (FC1's output, 922.7M elements)
 */
export function activationOffload(s: TrainingScenario, tokensPerRank: number): ActivationOffload | undefined {
  const o = s.activationOffload;
  if (o === undefined) return undefined;
  const bytesPerLayer = offloadCandidates(s, tokensPerRank)
    .filter((t) => t.elements >= o.minTensorElements)
    .reduce((n, t) => n + t.bytes, 0);
  if (bytesPerLayer === 0) return undefined;
  const link = hostLinkFor(s.system);
  return {
    bytesPerLayer,
    margin: new Set(o.modules).size,
    transferS: bytesPerLayer / link.bytesPerSPerAccelerator,
    link: link.description,
  };
}

/**
 * Activation bytes a stage of `moeLayers` MoE layers keeps on the host: every offloaded group in
 * flight but the margin.
 */
export function offloadedActivationBytes(
  s: TrainingScenario,
  tokensPerRank: number,
  moeLayers: number,
  inFlight: number,
): number {
  const o = activationOffload(s, tokensPerRank);
  if (o === undefined) return 0;
  return Math.max(0, moeLayers * inFlight - o.margin) * o.bytesPerLayer;
}

/**
 * A stage's micro-batch times with the waits for offload and reload transfers added (forward and
 * data-gradient backward).
 * @example withOffloadWait(stageTimes, scenario, 8192, 48).forwardS
 */
export function withOffloadWait(
  t: ComputeTimes,
  s: TrainingScenario,
  tokensPerRank: number,
  moeLayers: number,
): ComputeTimes {
  const o = activationOffload(s, tokensPerRank);
  if (o === undefined || moeLayers === 0) return t;
  const forwardWindow = t.forwardS / moeLayers;
  const backwardWindow = (t.backwardDataS + t.backwardWeightS + t.recomputeS) / moeLayers;
  const forwardWait = moeLayers * Math.max(0, o.transferS - forwardWindow);
  const backwardWait = moeLayers * Math.max(0, o.transferS - backwardWindow);
  return { ...t, forwardS: t.forwardS + forwardWait, backwardDataS: t.backwardDataS + backwardWait };
}
