/**
 * The operators one layer runs per phase, as the step model prices them: their classes, shapes and
 * the phases they run in (the architecture they come from is in types.ts).
 */
import type { Dtype } from "../hardware/index.ts";
import type { QuantScheme } from "./weight-bytes.ts";

/** Operator classes with separate efficiency curves in `perf`. */
export type OperatorClass =
  | "gemm" // dense matmul (projections, dense FFN, shared experts, lm head)
  | "grouped-gemm" // routed experts: one GEMM per expert, variable tokens per expert
  | "attention-prefill" // attention core over new tokens + context (flash-attention style)
  | "attention-decode" // attention core of one new token per request over its KV cache
  | "vector" // norms, activations, rotary, softmax of the router, quantization
  | "embedding"; // gather of embedding rows

/** Every operator class, in the order reports and data files list them. */
export const OPERATOR_CLASSES: readonly OperatorClass[] = [
  "gemm",
  "grouped-gemm",
  "attention-prefill",
  "attention-decode",
  "vector",
  "embedding",
];

export interface OperatorShape {
  /** Rows (tokens), columns (output features), reduction dim, and groups (experts) for GEMMs. */
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly groups?: number;
  /**
   * Routed-expert GEMMs on a rank that holds some of the experts (EP > 1): every routed (token,
   * expert) pair the op is given over the rank's experts, the rows per group a kernel that sizes
   * its row tile from its whole input assumes (Triton's matmul_ogs); absent: `m`.
   */
  readonly routedRowsPerGroup?: number;
  /**
   * Routed-expert GEMMs: the experts this rank holds (all of them without EP). A kernel that lays the
   * pairs out contiguously with every local expert's rows aligned to a block sizes its buffer from it
   * (vLLM's `compute_aligned_M`; `contiguousAlignRows` in the efficiency profile).
   */
  readonly localGroups?: number;
  /**
   * Routed-expert GEMMs: the tokens the op's kernel is given and an expert's intermediate slice on
   * this rank — what a fused-MoE kernel looks its tile config up by (vLLM's `M` and `N`; with
   * `localGroups` its `E`: perf/fused-moe-row-tile.ts).
   */
  readonly opTokens?: number;
  readonly expertIntermediate?: number;
}

/**
 * What an attention-core operator attends, for shape-dependent attention efficiency (per rank).
 * `meanKeysPerQuery` is attended (query, key) pairs per query token: S for a full S × S block,
 * (S + 1) / 2 for one causal sequence of S tokens, C + (S + 1) / 2 for a chunk of S after C cached.
 */
export interface AttentionShape {
  /** Query tokens. */
  readonly queries: number;
  /** Query heads on this rank. */
  readonly heads: number;
  /** Head dim of scores (q·k) and of values (DeepSeek naive MLA: 192 and 128). */
  readonly qkHeadDim: number;
  readonly vHeadDim: number;
  readonly meanKeysPerQuery: number;
  /** A causal mask over the new tokens (diagonal tiles are computed whole but count half). */
  readonly causal: boolean;
  /** Decode: query tokens per sequence (1 + MTP drafts under verification); absent means 1. */
  readonly queryTokensPerSequence?: number;
  /** Keys gathered per query by index (DeepSeek Sparse Attention's top-k), not a contiguous stream. */
  readonly sparse?: boolean;
  /**
   * GQA/MHA: KV heads the rank's kernel reads (its query heads share them in groups of heads ÷
   * kvHeads) and the cache's bytes per element; absent on MLA and hand-built cores. A decode kernel
   * that runs one thread block per (sequence × KV head) pays a fixed cost per pair (`operator-time-terms.ts`).
   */
  readonly kvHeads?: number;
  readonly kvElementBytes?: number;
  /**
   * Decode: the core attends within chunks and the run's sequences pass one chunk, so its kernel
   * applies a chunk mask (TensorRT-LLM's XQA cannot; MMHA runs: operator-time-terms.ts).
   */
  readonly chunkMasked?: boolean;
  /** The training backward kernel (dQ, dK, dV), which has its own efficiency (`attention-efficiency.ts`). */
  readonly backward?: boolean;
}

/** One operator instance in one layer for one phase, for the whole batch on one rank. */
export interface Operator {
  /** Stable name, e.g. `attn.q_a_proj`, `moe.experts`, `mla.absorbed_attention`. */
  readonly name: string;
  readonly class: OperatorClass;
  /** Format the math runs in (GEMM inputs). */
  readonly dtype: Dtype;
  readonly flops: number;
  readonly bytesRead: { readonly weights: number; readonly activations: number; readonly kvCache: number };
  readonly bytesWritten: {
    readonly activations: number;
    readonly kvCache: number;
    /** Weight gradients written (training backward only). Absent means 0. */
    readonly weightGradients?: number;
  };
  readonly shape?: OperatorShape;
  /** Attention cores: what is attended (absent on other classes and on hand-built operators). */
  readonly attention?: AttentionShape;
  /**
   * GEMMs whose weights are narrower than their math (weight-only formats, e.g. INT4 weights with
   * BF16 math): the weight elements read, which a dequantising kernel converts. Absent otherwise.
   */
  readonly weightOnlyElements?: number;
  /** GEMMs with quantized weights: the weights' scheme (block scales, NVFP4 groups); absent: none. */
  readonly weightScheme?: QuantScheme;
  /** Kernel launches this operator costs (fused operators are 1). */
  readonly kernels: number;
  /**
   * A vector kernel that walks `items` work items in a grid-stride loop on min(blocksPerCore × cores,
   * max(launchedItems, items)) blocks (TensorRT-LLM's scale-factor padding in the CUTLASS MoE op): each
   * block passes ⌈items ÷ blocks⌉ times through its loop, each pass timed at the class's
   * gridStrideStepS, beside the launch. Absent: no such loop.
   */
  /**
   * Grouped GEMMs whose persistent scheduler walks the groups one after another, reading each one's
   * row offsets, empty groups included (DeepGEMM's GroupedWithOffset and GroupedMasked schedulers):
   * the groups each kernel walks (every local expert), timed at the class's groupWalkStepS each.
   * Absent: no such walk.
   */
  readonly groupWalk?: number;
  readonly gridStrideWalk?: {
    readonly items: number;
    readonly launchedItems: number;
    readonly blocksPerCore: number;
  };
  /**
   * A kernel whose programs each walk their sequence's chunks in turn (FLA's gated-delta-rule state
   * kernel): ⌈programs ÷ cores⌉ × steps × the class's chunkStepS beside the roofline. Absent: none.
   */
  readonly chunkWalk?: { readonly programs: number; readonly steps: number };
}

export type Phase = "prefill" | "decode" | "train-forward" | "train-backward";
