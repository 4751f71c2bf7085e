/**
 * The operator microbenchmark file (`data/efficiency/microbenchmarks/operators.yaml`): its schema —
 * each record's operator (GEMM, MLA decode, FlashAttention, empty kernel, gated-delta prefill, MoE op), measure, published
 * value, role and source — parsed once. perf/reference-cases.ts predicts the records.
 */
import { z } from "zod";
import { builtinDataOnce, referenceRoleSchema } from "../catalog/index.ts";
import { DTYPES } from "../hardware/index.ts";
import { QUANT_SCHEMES } from "../model/index.ts";
import { engineReleaseSchema } from "../spec/index.ts";
import { MODEL_ATTENTION_KINDS } from "./engine-overlay-file.ts";
import { moeOpSpec } from "./moe-op-case.ts";

/** The file, relative to the data directory. */
export const OPERATOR_BENCHMARK_FILE = "efficiency/microbenchmarks/operators.yaml";

const gemmSpec = z
  .object({
    kind: z.literal("gemm"),
    class: z.enum(["gemm", "grouped-gemm"]),
    dtype: z.enum(DTYPES),
    m: z.number().int().positive(),
    n: z.number().int().positive(),
    k: z.number().int().positive(),
    groups: z.number().int().positive().optional(),
    outputBytesPerElement: z.number().positive(),
    /** The weights' quantization scheme (block-scaled FP8, NVFP4, …); absent: none named. */
    scheme: z.enum(QUANT_SCHEMES).optional(),
    /** Kernels the timed op launches (a Linear's activation quantisation + its GEMM: 2); default 1. */
    kernels: z.number().int().positive().optional(),
  })
  .strict();

const mlaDecodeSpec = z
  .object({
    kind: z.literal("mla-decode"),
    batch: z.number().int().positive(),
    kvLength: z.number().int().positive(),
    queryHeads: z.number().int().positive(),
    queryTokens: z.number().int().positive(),
    dtype: z.enum(DTYPES),
    /** Sparse decode: each query token attends the `topK` keys its indices name (gathered rows). */
    topK: z.number().int().positive().optional(),
    /** Cache bytes per token when not kvLength × 576 values of `dtype` (FlashMLA's FP8 format: 656). */
    kvBytesPerToken: z.number().positive().optional(),
    /**
     * Kernels the timed op launches (each pays the class's launch; the op's floor once), where the
     * table times more than the attention kernel (aiconfigurator 1.3: the RoPE / KV-write kernel too). Default 1.
     */
    kernels: z.number().int().positive().optional(),
  })
  .strict();

/**
 * GQA decode attention as an engine's generation op times it (one query token per sequence):
 * `queryHeads` sharing `kvHeads` KV heads of `headDim`, every sequence at `kvLength` cached keys
 * (at most `window` read on a sliding-window layer), math in `dtype`, cache in `kvDtype`.
 */
const gqaDecodeSpec = z
  .object({
    kind: z.literal("gqa-decode"),
    batch: z.number().int().positive(),
    kvLength: z.number().int().positive(),
    queryHeads: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    dtype: z.enum(DTYPES),
    kvDtype: z.enum(DTYPES),
    window: z.number().int().positive().optional(),
    /** Kernels the timed op launches (aiconfigurator 1.3: the QKV preprocessing kernel and the attention kernel). Default 1. */
    kernels: z.number().int().positive().optional(),
  })
  .strict();

const flashAttentionSpec = z
  .object({
    kind: z.literal("flash-attention"),
    batch: z.number().int().positive(),
    seqLen: z.number().int().positive(),
    heads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    /** Value head dim when it differs from the query/key one (DeepSeek MLA prefill: 192 / 128). */
    vHeadDim: z.number().int().positive().optional(),
    causal: z.boolean(),
    dtype: z.enum(DTYPES),
    /**
     * The model attention the kernel serves (an engine picks its prefill kernel per kind: TensorRT-LLM's
     * context MLA or GQA FMHA); with the record's `engine`, it selects that engine's default overlay.
     */
    modelAttention: z.enum(MODEL_ATTENTION_KINDS).optional(),
  })
  .strict();

/**
 * FLA's chunked gated-delta-rule prefill chain (`chunk_gated_delta_rule_fwd`, model/gated-delta-prefill.ts)
 * over sequences of the lengths given (the benchmark tables' "1x8192", "4096+4096").
 */
const gatedDeltaPrefillSpec = z
  .object({
    kind: z.literal("gated-delta-prefill"),
    keyHeads: z.number().int().positive(),
    valueHeads: z.number().int().positive(),
    headDim: z.number().int().positive(),
    seqLens: z.array(z.number().int().positive()).min(1),
    dtype: z.enum(DTYPES),
    /** The call L2-normalises q and k itself (use_qk_l2norm_in_kernel): two more kernels reading and writing them. */
    qkL2Norm: z.boolean().optional(),
  })
  .strict();
export type GatedDeltaPrefillSpec = z.output<typeof gatedDeltaPrefillSpec>;

/**
 * A kernel that does almost no work, measured by what one more (or one fewer) of it costs a
 * graph-replayed step: the per-kernel boundary cost (launch, dependency wait, prologue, tail).
 */
const emptyKernelSpec = z.object({ kind: z.literal("empty-kernel"), class: z.enum(["vector"]) }).strict();

const MEASURES = [
  "compute-utilisation-pct",
  "achieved-bandwidth-GBps",
  "achieved-tflops",
  "step-time-per-kernel-us",
  "kernel-time-ms",
  "op-time-us",
] as const;
export type Measure = (typeof MEASURES)[number];

const fileSchema = z
  .object({
    sources: z.record(
      z.string(),
      z.object({ title: z.string(), url: z.string(), section: z.string() }).strict(),
    ),
    records: z.array(
      z
        .object({
          id: z.string(),
          chip: z.string(),
          description: z.string(),
          operator: z.discriminatedUnion("kind", [
            gemmSpec,
            mlaDecodeSpec,
            gqaDecodeSpec,
            flashAttentionSpec,
            emptyKernelSpec,
            gatedDeltaPrefillSpec,
            moeOpSpec,
          ]),
          measure: z.enum(MEASURES),
          published: z.number().positive(),
          role: referenceRoleSchema,
          duplicateOf: z.string().min(1).optional(),
          note: z.string().optional(),
          source: z.string(),
          /**
           * The engine the kernel was timed in, when its efficiency overlay applies
           * (data/efficiency/engines/<name>/*.yaml; e.g. SGLang's trtllm_mla on SM100).
           */
          engine: z
            .object({ name: z.string().min(1), version: engineReleaseSchema.optional() })
            .strict()
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

export type OperatorBenchmarkFile = z.output<typeof fileSchema>;
export type OperatorBenchmarkRecord = OperatorBenchmarkFile["records"][number];

/** The microbenchmark records, parsed once. @example operatorBenchmarks().records.length // 81 */
export const operatorBenchmarks: () => OperatorBenchmarkFile = builtinDataOnce(
  OPERATOR_BENCHMARK_FILE,
  fileSchema,
);

/** A FlashAttention benchmark's operator description. */
export type FlashAttentionSpec = z.output<typeof flashAttentionSpec>;

/** A GQA decode benchmark's operator description. */
export type GqaDecodeSpec = z.output<typeof gqaDecodeSpec>;
