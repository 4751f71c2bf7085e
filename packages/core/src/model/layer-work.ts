/**
 * What one rank runs through a layer in one step (`ModelWorkload`), and which shard of the layer it
 * holds (`LayerOperatorOptions`, layer-options.ts), resolved once into the plain numbers the
 * operator builders use.
 * Same meaning as `perf/instance-performance.ts`: `kvTokens` is the sum of KV lengths before the
 * step; `attendedTokenPairs` counts (query, key) pairs under the causal mask (a full-square prefill,
 * `fullSquarePrefill`, resolves to each prompt's whole square).
 */
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { expertShard } from "./expert-shard.ts";
import { fullSquarePrefillApplies } from "./full-square-prefill.ts";
import { attentionSpecs } from "./layer-attention.ts";
import type { FixedExpertLoad, LayerOperatorOptions, MlaForm } from "./layer-options.ts";
import type { ModelArchitecture, Phase } from "./types.ts";
import type { ComponentFormats, WeightFormat } from "./weight-bytes.ts";
import { checkDivides, nonNegative, positiveInt } from "./workload-checks.ts";
import { defaultComputeDtype, defaultIndexerDtype, resolveFormats } from "./workload-formats.ts";
import { workloadTokens } from "./workload-tokens.ts";

export { defaultComputeDtype };

/**
 * A linear-attention layer's recurrent state format when the scenario names none (assumed: FP32,
 * see linear-attention.ts; `precision.linearState`).
 */
export const LINEAR_STATE_DTYPE: Dtype = "fp32";

export type ModelWorkload =
  | {
      readonly phase: "decode";
      readonly sequences: number;
      readonly kvTokens: number;
      /** New tokens per sequence in this step (1; 2 when verifying one MTP draft token). */
      readonly tokensPerSequence?: number;
      /** Of `sequences`, CUDA-graph padding rows: a dummy request with no KV of its own. Default 0. */
      readonly paddingSequences?: number;
    }
  | {
      readonly phase: "prefill";
      readonly sequences: number;
      readonly newTokens: number;
      readonly attendedTokenPairs: number;
      /** Cached context tokens read from the KV cache; estimated from the pairs if absent (equal chunks). */
      readonly contextTokens?: number;
    }
  | {
      readonly phase: "train-forward" | "train-backward";
      readonly sequences: number;
      readonly tokens: number;
      readonly attendedTokenPairs: number;
    };

/** The numbers operator builders need, resolved once per call. */
export interface ResolvedWorkload {
  readonly phase: Phase;
  /** Which forward pass to build (train-backward builds train-forward, then transposes it). */
  readonly forwardPhase: "prefill" | "decode" | "train-forward";
  readonly sequences: number;
  /** Tokens passing through the layer. */
  readonly tokens: number;
  readonly attendedTokenPairs: number;
  /** KV-cache tokens read by attention (0 in training). */
  readonly kvReadTokens: number;
  /** KV-cache tokens written (0 in training). */
  readonly kvWriteTokens: number;
  /** Tokens that need logits (last token per sequence in prefill, all otherwise). */
  readonly logitTokens: number;
  /** Of `sequences`, CUDA-graph padding rows (decode; else 0): no KV, so no window clips them. */
  readonly paddingSequences: number;
  /**
   * A chunked-attention layer whose sequences grow past one chunk: its attention kernel must apply
   * the chunk mask (sliding-window.ts). Absent: no chunk mask.
   */
  readonly chunkMasked?: boolean;
  readonly weights: WeightFormat;
  readonly activationDtype: Dtype;
  readonly actBytes: number;
  readonly computeDtype: Dtype;
  /** Weight format and GEMM math of every component (defaults filled in). */
  readonly components: ComponentFormats;
  /** Math of the attention core. */
  readonly attentionDtype: Dtype;
  /** Format of the DSA lightning indexer (query, key cache, score math). */
  readonly indexerDtype: Dtype;
  /** Format of a linear-attention layer's recurrent state. */
  readonly linearStateDtype: Dtype;
  readonly kvDtype: Dtype;
  readonly kvBytes: number;
  readonly mlaForm: MlaForm;
  readonly dsaFullTopK: boolean;
  /** The attention core computes each new prompt's full square (`LayerOperatorOptions.fullSquarePrefill`, applied). */
  readonly fullSquarePrefill: boolean;
  readonly dsaHeadPad: number | undefined;
  readonly dsaStagingCopies: boolean;
  readonly attentionTp: number;
  /** The LM head's vocabulary split (options.lmHeadTp, default attentionTp). */
  readonly lmHeadTp: number;
  readonly ffnTp: number;
  /** Tokens of the dense FFN on this rank (`tokens × ffnGather`). */
  readonly denseFfnTokens: number;
  readonly localExperts: number;
  /** Tokens per local expert, or undefined when only the mean is known. */
  readonly expertTokens: readonly number[] | undefined;
  readonly meanTokensPerLocalExpert: number;
  /** Rows on a fixed expert set beyond the routed ones (`LayerOperatorOptions.fixedExpertLoad`). */
  readonly fixedExpertLoad: FixedExpertLoad | undefined;
  /** Tensor-parallel split of each routed expert's intermediate dimension (1: whole experts). */
  readonly expertTp: number;
  readonly sharedExpertTokens: number;
  /** The shared experts' tensor-parallel split (options.sharedExpertTp, default ffnTp). */
  readonly sharedExpertTp: number;
  /** The shared experts run as routed ones (`LayerOperatorOptions.sharedExpertFused`). */
  readonly sharedExpertFused: boolean;
}

/**
 * Resolves a workload and shard options against a model: the step's token counts (workload-tokens.ts),
 * the formats, the tensor-parallel split and the routed-expert shard (expert-shard.ts).
 * @example resolveWorkload(arch, { phase: "decode", sequences: 64, kvTokens: 64 * 4096 }).tokens // 64
 */
export function resolveWorkload(
  arch: ModelArchitecture,
  workload: ModelWorkload,
  options: LayerOperatorOptions = {},
): ResolvedWorkload {
  const counts = workloadTokens(workload);
  const { tokens, forwardPhase } = counts;
  const formats = resolveFormats(arch, options);
  const attentionTp = positiveInt(options.attentionTp ?? 1, "attentionTp");
  const ffnTp = positiveInt(options.ffnTp ?? 1, "ffnTp");
  // Every layer kind's query heads (the sliding-window layers may have their own count).
  const specs = attentionSpecs(arch);
  for (let i = 0; i < specs.length; i++)
    checkDivides(
      (specs[i] as (typeof specs)[number]).numHeads,
      attentionTp,
      i === 0 ? "num_attention_heads" : "sliding-window layers' num_attention_heads",
      "attentionTp",
    );
  const lmHeadTp = positiveInt(options.lmHeadTp ?? attentionTp, "lmHeadTp");
  checkDivides(lmHeadTp, attentionTp, "lmHeadTp", "attentionTp");
  const experts = expertShard(arch, options, tokens);
  const { weights, activationDtype, computeDtype, components, kvDtype } = formats;
  const fullSquare = fullSquarePrefillApplies(options.fullSquarePrefill === true, counts);
  // Written out field by field (no spreads): every resolved workload gets one object shape, which
  // the operator builders read millions of times in a search or a validate run.
  return {
    phase: workload.phase,
    forwardPhase,
    sequences: counts.sequences,
    tokens,
    attendedTokenPairs: fullSquare ? 2 * counts.attendedTokenPairs - tokens : counts.attendedTokenPairs,
    kvReadTokens: counts.kvReadTokens,
    kvWriteTokens: counts.kvWriteTokens,
    logitTokens: counts.logitTokens,
    paddingSequences: counts.paddingSequences,
    weights,
    activationDtype,
    actBytes: DTYPE_BYTES[activationDtype],
    computeDtype,
    components,
    attentionDtype: options.attentionDtype ?? activationDtype,
    indexerDtype: options.indexerDtype ?? defaultIndexerDtype(computeDtype),
    linearStateDtype: options.linearStateDtype ?? LINEAR_STATE_DTYPE,
    kvDtype,
    kvBytes: DTYPE_BYTES[kvDtype],
    mlaForm: options.mlaForm ?? (forwardPhase === "decode" ? "absorbed" : "naive"),
    dsaFullTopK: options.dsaFullTopK ?? false,
    fullSquarePrefill: fullSquare,
    dsaHeadPad: options.dsaHeadPad,
    dsaStagingCopies: options.dsaStagingCopies ?? false,
    attentionTp,
    lmHeadTp,
    ffnTp,
    denseFfnTokens: tokens * nonNegative(options.ffnGather ?? 1, "ffnGather"),
    sharedExpertTp: positiveInt(options.sharedExpertTp ?? ffnTp, "sharedExpertTp"),
    localExperts: experts.localExperts,
    expertTokens: experts.expertTokens,
    meanTokensPerLocalExpert: experts.meanTokensPerLocalExpert,
    fixedExpertLoad: options.fixedExpertLoad,
    expertTp: expertTpOf(arch, options),
    sharedExpertTokens: nonNegative(options.sharedExpertTokens ?? tokens, "sharedExpertTokens"),
    sharedExpertFused: options.sharedExpertFused ?? false,
  };
}

/** The expert tensor-parallel split, checked against the experts' intermediate size. */
function expertTpOf(arch: ModelArchitecture, options: LayerOperatorOptions): number {
  const expertTp = positiveInt(options.expertTp ?? 1, "expertTp");
  if (arch.moe !== undefined)
    checkDivides(arch.moe.expertIntermediateSize, expertTp, "moe_intermediate_size", "expertTp");
  return expertTp;
}
