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
 * Tensors are BF16 (2 bytes) except, in FP8 training, what a linear layer keeps for its weight
 * gradient: Transformer Engine saves the FP8 (1-byte) copy it quantized for the forward GEMM, not
 * the BF16 input — the normed inputs of the QKV / FC1 / expert FC1 GEMMs and the activation output
 * feeding FC2. The attention output is kept twice: BF16 by the attention core for its backward and
 * as an FP8 copy by the output projection (Megatron-Core's DeepSeek-V3 GB200 write-up, §2.2.2:
 * "SDPA saves a BF16 output tensor, while Projection Linear saves an FP8 tensor", 1.5× the size).
 */
import type { LayerKind, ModelArchitecture } from "../model/index.ts";
import { expertsOverTp } from "./allgather-dispatcher.ts";
import { NVFP4_COPY_BYTES } from "./nvfp4-quantization.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const BYTES = 2;

export interface ActivationOptions {
  readonly tp: number;
  readonly sequenceParallel: boolean;
  readonly recompute: "none" | "selective" | "full";
  /** FP8 training: GEMM inputs kept for the weight gradient as their FP8 copies (default false). */
  readonly fp8?: boolean;
  /** Bytes per element of those low-precision copies (FP8: 1; NVFP4: 0.5625, `nvfp4-quantization.ts`). */
  readonly copyBytes?: number;
  /**
   * The all-gather token dispatcher (`allgather-dispatcher.ts`): every rank of the TP group keeps
   * the routed copies of all the group's tokens at full hidden width, not of its sequence-parallel
   * shard; the expert intermediates stay split over tp (default false). Also set for the all-to-all
   * dispatcher at tp > 1 (`alltoall-sp2hp-dispatcher.ts`), whose expert input is all-gathered to full
   * width too; its expert output is reduce-scattered before the unpermutation keeps it, so this
   * counts ≈ k · h · 2 B per token per MoE layer more than it keeps (an upper bound).
   */
  readonly gatheredExperts?: boolean;
}

/** The activation options of a training scenario (its layout, recompute and precision). */
export function trainingActivationOptions(s: TrainingScenario): ActivationOptions {
  return {
    tp: s.layout.tp,
    sequenceParallel: s.layout.sequenceParallel,
    recompute: s.recompute,
    fp8: s.precision.compute === "fp8",
    ...(s.precision.recipe === "nvfp4" && { copyBytes: NVFP4_COPY_BYTES }),
    ...(expertsOverTp(s.tokenDispatcher) && { gatheredExperts: true }),
  };
}

/**
 * Bytes per element of a tensor kept only as a GEMM's input (for its weight gradient): the FP8 /
 * NVFP4 copy, else BF16.
 */
export function gemmInputCopyBytes(o: ActivationOptions): number {
  return o.copyBytes ?? (o.fp8 === true ? 1 : BYTES);
}

/** Inputs of the FFN activation a layer keeps: SwiGLU's gate and up (2), squared ReLU's one (1). */
export function ffnActivationInputs(arch: ModelArchitecture): number {
  return arch.ffnActivation === "relu2" ? 1 : 2;
}

/**
 * Bytes one layer keeps per token of a micro-batch on one rank (before context parallelism).
 * @example activationBytesPerToken(llama70b, "dense", { tp: 8, sequenceParallel: true, recompute: "none" })
 */
export function activationBytesPerToken(
  arch: ModelArchitecture,
  kind: LayerKind,
  o: ActivationOptions,
  index?: number,
): number {
  const h = arch.hiddenSize;
  const t = o.tp;
  const normDiv = o.sequenceParallel ? t : 1;
  if (o.recompute === "full") return (h / normDiv) * BYTES;
  const keepNormOut = o.recompute !== "selective";
  const copy = o.copyBytes ?? (o.fp8 === true ? 1 : undefined);
  const g = gemmInputCopyBytes(o);
  const keptGemmInput = keepNormOut ? g : 0;
  const a = arch.attention;
  // Norm inputs (always kept, BF16) and outputs (the next GEMM's input).
  let norms = 2 * h * (BYTES + keptGemmInput);
  // The attention output's low-precision copy kept by the output projection (FP8 / NVFP4 only).
  const outCopy = copy ?? 0;
  let heads: number;
  if (a.kind === "gqa") {
    const kv = Math.max(a.numKvHeads / t, 1) * a.headDim * t;
    heads = (a.numHeads * a.headDim * 2 + 2 * kv) * BYTES + a.numHeads * a.headDim * outCopy;
  } else {
    const qk = a.numHeads * (a.qkNopeHeadDim + a.qkRopeHeadDim);
    const latents = (a.qLoraRank ?? 0) + a.kvLoraRank + a.qkRopeHeadDim;
    // Latent projections' outputs (normed before the up-projections): kept whole on every rank.
    norms += latents * (BYTES + keptGemmInput) * normDiv;
    heads = (2 * qk + 2 * a.numHeads * a.vHeadDim) * BYTES + a.numHeads * a.vHeadDim * outCopy;
  }
  let ffn: number;
  // SwiGLU's inputs (BF16) and its output, FC2's input (squared ReLU: one input).
  const inputs = ffnActivationInputs(arch);
  const swiglu = (i: number) => inputs * i * BYTES + i * keptGemmInput;
  if (arch.hybridBlocks !== undefined && index !== undefined) {
    // A single-mixer block (Nemotron-H): one norm, and either the mixer or the FFN.
    norms /= 2;
    const lin = arch.linearAttention;
    if (kind !== "none") heads = 0;
    else if (lin?.layers.includes(index) === true) {
      // Mamba-2: in_proj's output, the conv output, the SSD output and the gated norm's output.
      const inner = lin.numValueHeads * lin.valueHeadDim;
      const bc = 2 * lin.numKeyHeads * lin.keyHeadDim;
      heads =
        (2 * inner + bc + lin.numValueHeads + inner + bc + inner) * BYTES + inner * (keptGemmInput + outCopy);
    }
  }
  const x = arch.moe?.latentSize ?? h;
  if (kind === "none") ffn = 0;
  else if (kind === "moe" && arch.moe !== undefined) {
    const m = arch.moe;
    // Per routed copy: the permuted token (expert FC1's input) and the expert output (BF16); behind
    // the all-gather dispatcher every TP rank holds them for the whole group's tokens (× t before
    // the / t below), while the expert intermediates are split over tp as the experts are.
    const fullWidth = x * g + x * BYTES;
    const routed =
      m.topK * (fullWidth * (o.gatheredExperts === true ? t : 1) + swiglu(m.expertIntermediateSize));
    const shared = m.numSharedExperts * swiglu(m.sharedExpertIntermediateSize);
    // Expert tensors follow the sequence-parallel token shard; the router's scores are small (E per token).
    ffn = routed + shared + m.numRoutedExperts * BYTES;
  } else {
    ffn = swiglu(arch.denseIntermediateSize);
  }
  return norms / normDiv + (heads + ffn) / t;
}
