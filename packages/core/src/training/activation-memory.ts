/**
 * Activation memory a layer keeps for backward, per token, counted tensor by tensor in the manner
 * of Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models",
 * arXiv:2205.05198, §4): the input of every GEMM and norm, the attention core's Q, K, V and output
 * (FlashAttention keeps no score matrix, so the 5as/h term is absent), the SwiGLU inputs. For a
 * GPT layer their count gives 34·s·b·h bytes; a Llama-3-70B layer here gives 33.5·s·b·h.
 * - tensor parallelism divides the per-head tensors; sequence parallelism also divides the
 *   norms' inputs and outputs (everything is /tp, Korthikanti's 34/t);
 * - `selective` recompute drops the outputs of norms and activation functions (recomputed);
 * - `full` keeps only the layer input (2·s·b·h, /tp with sequence parallelism).
 * All tensors bf16 (2 bytes).
 */
import type { LayerKind, ModelArchitecture } from "../model/index.ts";

const BYTES = 2;

export interface ActivationOptions {
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly recompute: "none" | "selective" | "full";
}

/**
 * Bytes one layer keeps per token of a micro-batch on one rank (before context parallelism).
 * @example activationBytesPerToken(llama70b, "dense", { tp: 8, sequenceParallel: true, recompute: "none" })
 */
export function activationBytesPerToken(
  arch: ModelArchitecture,
  kind: LayerKind,
  o: ActivationOptions,
): number {
  const h = arch.hiddenSize;
  const t = o.tp;
  const normDiv = o.sequenceParallel ? t : 1;
  if (o.recompute === "full") return (h / normDiv) * BYTES;
  const keepNormOut = o.recompute !== "selective";
  const a = arch.attention;
  // Norm inputs (always kept) and outputs (the next GEMM's input).
  let norms = 2 * h * (keepNormOut ? 2 : 1);
  let heads: number;
  if (a.kind === "gqa") {
    const kv = Math.max(a.numKvHeads / t, 1) * a.headDim * t;
    heads = a.numHeads * a.headDim * 2 + 2 * kv;
  } else {
    const qk = a.numHeads * (a.qkNopeHeadDim + a.qkRopeHeadDim);
    const latents = (a.qLoraRank ?? 0) + a.kvLoraRank + a.qkRopeHeadDim;
    // Latent projections' outputs (normed before the up-projections): kept whole on every rank.
    norms += latents * (keepNormOut ? 2 : 1) * normDiv;
    heads = 2 * qk + 2 * a.numHeads * a.vHeadDim;
  }
  let ffn: number;
  const act = keepNormOut ? 1 : 0;
  if (kind === "moe" && arch.moe !== undefined) {
    const m = arch.moe;
    const routed = m.topK * (2 * h + (2 + act) * m.expertIntermediateSize);
    const shared = m.numSharedExperts * (2 + act) * m.sharedExpertIntermediateSize;
    // Expert tensors follow the sequence-parallel token shard; the router's scores are small (E per token).
    ffn = routed + shared + m.numRoutedExperts;
  } else {
    ffn = (2 + act) * arch.denseIntermediateSize;
  }
  return (norms / normDiv + (heads + ffn) / t) * BYTES;
}
