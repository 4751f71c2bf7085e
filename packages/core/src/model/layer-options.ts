/**
 * Which shard of a layer one rank holds and in which formats it runs it (`LayerOperatorOptions`):
 * the options the operator builders take beside the workload (layer-work.ts resolves both once).
 */
import type { Dtype } from "../hardware/index.ts";
import type { GemmComponent, QuantScheme } from "./weight-bytes.ts";

export type MlaForm = "naive" | "absorbed";

export interface LayerOperatorOptions {
  /** Default: the checkpoint's native dtype. */
  readonly weightDtype?: Dtype;
  /** Default: the dtype's default scheme (see weight-bytes.ts). */
  readonly weightScheme?: QuantScheme;
  /** Activations between operators. Default bf16. */
  readonly activationDtype?: Dtype;
  /** GEMM math. Default: the weight dtype for fp8/int8 (W8A8 with dynamic activation scales), else the wider of weight and activation. */
  readonly computeDtype?: Dtype;
  /** Default bf16. */
  readonly kvDtype?: Dtype;
  /** Math of the attention core (scores, softmax·V). Default: the activation dtype. */
  readonly attentionDtype?: Dtype;
  /** DSA lightning indexer's query, key cache and scores. Default: int8 with int8 GEMM math, else fp8. */
  readonly indexerDtype?: Dtype;
  /** Linear-attention layers' recurrent state. Default `LINEAR_STATE_DTYPE`. */
  readonly linearStateDtype?: Dtype;
  /**
   * Weight format and GEMM math per component (attention projections, routed experts, shared
   * experts, dense FFN, LM head); components absent use `weightDtype`/`computeDtype` (the LM head:
   * the high-precision format).
   */
  readonly componentPrecision?: Readonly<Partial<Record<GemmComponent, ComponentPrecisionOption>>>;
  /** Default: naive for prefill and training, absorbed for decode. */
  readonly mlaForm?: MlaForm;
  /**
   * A DSA prefill's sparse core runs the whole top-k width for every query token, its -1 padding
   * included (the engine passes FlashMLA's sparse prefill kernel no per-token top-k length).
   * Default false: min(causal keys, top-k) per query.
   */
  readonly dsaFullTopK?: boolean;
  /**
   * A prefill of whole new prompts (no cached context) whose attention kernel computes every key
   * tile of each prompt, the masked upper triangle included (ATB's PA_ENCODER flash attention with
   * `isTriuMask` 0, vLLM-Ascend's PrefillNoCache route): the core's pairs are Σ S² = 2 × the causal
   * pairs − the tokens, and it pays no diagonal-tile waste. Ignored where the step has cached
   * context. Default false.
   */
  readonly fullSquarePrefill?: boolean;
  /**
   * A DSA prefill's absorbed sparse kernel pads a rank's query heads up to a multiple of this
   * (FlashMLA's SM100 sparse prefill tiles 128 heads) and computes the padding. Default: none.
   */
  readonly dsaHeadPad?: number;
  /**
   * A DSA prefill's absorbed sparse kernel has its operands staged in copies of their own (vLLM's
   * FLASHMLA_SPARSE; model/mla-staging-ops.ts). Default false.
   */
  readonly dsaStagingCopies?: boolean;
  /** Attention heads split over this many ranks (also splits the LM head's vocabulary). Default 1. */
  readonly attentionTp?: number;
  /**
   * The LM head's own vocabulary-parallel group (a multiple of `attentionTp`): the head multiplies
   * the rows of lmHeadTp / attentionTp attention groups, gathered, by a 1 / lmHeadTp vocabulary
   * shard. Default `attentionTp`.
   */
  readonly lmHeadTp?: number;
  /** Dense FFN and shared experts split over this many ranks. Default 1. */
  readonly ffnTp?: number;
  /**
   * The dense FFN runs on the step's tokens × this: a dense-FFN TP group wider than the attention's
   * first gathers the other attention groups' tokens (SGLang's `_dp_gather`), so each of its ranks
   * runs `ffnTp / attentionTp` groups' tokens on its 1 / ffnTp width. Default 1.
   */
  readonly ffnGather?: number;
  /** Routed experts held by this rank. Default all. */
  readonly localExperts?: number;
  /** Tokens routed to each local expert (array of length `localExperts`) or their mean. Default tokens × topK / experts. */
  readonly tokensPerLocalExpert?: number | readonly number[];
  /**
   * Tokens per local expert without popularity skew (the step's routed pairs over the expert
   * slots): what a hash-routed layer receives (DeepSeek-V4 `num_hash_layers`, a fixed token-id →
   * experts table built for balance). Default: `tokensPerLocalExpert`.
   */
  readonly balancedTokensPerLocalExpert?: number;
  /**
   * Each routed expert's intermediate dimension split over this many ranks (expert tensor
   * parallelism): the rank holds a 1/expertTp slice of each local expert and runs it for every
   * token routed to that expert. Default 1 (whole experts).
   */
  readonly expertTp?: number;
  /** Tokens the shared experts process on this rank. Default all tokens of the step. */
  readonly sharedExpertTokens?: number;
  /**
   * The shared experts' intermediate dimension split over this many ranks (their own tensor-parallel
   * group: at most the attention's under an all-to-all expert dispatch; perf/shared-expert-tp.ts). Default `ffnTp`.
   */
  readonly sharedExpertTp?: number;
  /**
   * The shared experts run inside the routed experts' grouped GEMMs, as that many more experts
   * every one of the `sharedExpertTokens` picks (SGLang's shared-experts fusion), not as a dense
   * MLP of their own. Default false.
   */
  readonly sharedExpertFused?: boolean;
  /**
   * Rows that do not follow the routing: `tokens` more rows on each of `experts` local experts
   * (CUDA-graph padding rows, all one repeated dummy token: one expert set), on top of
   * `tokensPerLocalExpert`. Default none.
   */
  readonly fixedExpertLoad?: FixedExpertLoad;
}

/** `tokens` rows on each of `experts` local experts, whatever the routing of the other tokens. */
export interface FixedExpertLoad {
  readonly experts: number;
  readonly tokens: number;
}

/** One component's weight format and GEMM math. */
export interface ComponentPrecisionOption {
  readonly weightDtype: Dtype;
  /** Default: the dtype's default scheme. */
  readonly weightScheme?: QuantScheme;
  /** Default: the weight dtype when quantized (fp8/int8/fp4: WxAx), else the wider of weight and activation. */
  readonly computeDtype?: Dtype;
}
