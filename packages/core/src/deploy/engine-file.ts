/**
 * The schema of a serving-engine data file (data/engines/<name>.yaml): per release, the policies
 * the model applies (token budget, MoE kernels, KV-cache format and share, separate small kernels,
 * host time per iteration) and those only recorded, each with its source key and evidence tag.
 */
import { z } from "zod";
import {
  calibratedOnSchema,
  DECODE_GRAPH_MODES,
  engineReleaseSchema,
  HCCL_EXPANSION_MODES,
} from "../spec/index.ts";
import { dsaPrefillSchema } from "./engine-dsa-prefill-schema.ts";
import { fusedSharedExpertSchema } from "./engine-fused-shared-expert.ts";
import { hostTimeSchema } from "./engine-host-time-schema.ts";
import { hybridStatePoolSchema } from "./engine-hybrid-state-schema.ts";
import { nonMlaSchedulerSchema } from "./engine-non-mla-scheduler.ts";
import { separateKernelsListSchema } from "./engine-separate-kernels-schema.ts";
import { sourcedChoice, tag } from "./engine-sourced-schema.ts";
import { staticMemoryFractionSchema } from "./engine-static-memory.ts";

export { DSA_PREFILL_FORMS, type DsaPrefillForm } from "./engine-dsa-prefill-schema.ts";

/** Kernel-benchmark points of a sampler on one chip: milliseconds for `batch` rows of `vocab` logits. */
const samplerCurveSchema = z.strictObject({
  chip: z.string(),
  points: z
    .array(
      z.strictObject({
        batch: z.number().int().positive(),
        vocab: z.number().int().positive(),
        ms: z.number().positive(),
      }),
    )
    .min(1),
  source: z.string(),
  tag,
  note: z.string().optional(),
  calibratedOn: calibratedOnSchema.optional(),
});
const releaseSchema = z.strictObject({
  from: engineReleaseSchema,
  tokenBudget: z
    .strictObject({
      tiers: z
        .array(
          z.strictObject({
            hbmBelowGB: z.number().positive().optional(),
            tokens: z.number().int().positive(),
          }),
        )
        .min(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /** A scheduler the engine forces on models without MLA attention (engine-non-mla-scheduler.ts). */
  nonMlaScheduler: nonMlaSchedulerSchema.optional(),
  moeLibrary: z
    .strictObject({
      /** `allgather-reducescatter`: the engine has no all-to-all by default (NCCL all-gather / reduce-scatter). */
      value: z.enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided", "allgather-reducescatter"]),
      source: z.string(),
      tag,
      note: z.string().optional(),
      /**
       * The engine's all-to-all only runs when the expert-parallel degree exceeds the experts per
       * token and the NVLink domain spans several nodes (multi-node NVLink); otherwise the MoE
       * inputs are all-gathered over the attention-DP ranks and the outputs reduce-scattered.
       */
      allGatherFallback: z
        .strictObject({
          source: z.string(),
          tag,
          note: z.string().optional(),
        })
        .optional(),
      /**
       * With attention TP > 1 and expert parallelism, each TP rank sends a 1/TP slice of the step's
       * tokens (padded to a multiple of TP) through dispatch / experts / combine and the MoE outputs
       * are all-gathered over the TP group afterwards (vLLM-Ascend's MoE prepare / finalize).
       */
      tpOutputGather: z
        .strictObject({
          source: z.string(),
          tag,
          note: z.string().optional(),
        })
        .optional(),
      /** The engine's kernels on another vendor's chips (SGLang's DeepEP on Ascend is DeepEP-Ascend). */
      byChipVendor: z
        .array(
          z.strictObject({
            chipVendor: z.string(),
            value: z.enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided"]),
            source: z.string(),
            tag,
            note: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  /**
   * The KV-cache format the engine stores for a checkpoint whose linear layers are quantized to one
   * of `weights`, when the scenario does not write `precision.kvCache`.
   */
  kvCacheForQuantized: z
    .strictObject({
      value: z.enum(["fp8", "bf16"]),
      weights: z.array(z.enum(["fp8", "fp4", "int8"])).min(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /**
   * What the KV-cache manager keeps for a sliding-window layer by default: `window` tokens per
   * sequence, or the `full-context` (one pool whose blocks every layer fills to the sequence length;
   * the attention kernel still reads only the window).
   */
  slidingWindowKvCache: sourcedChoice(["window", "full-context"]).optional(),
  /**
   * The attention kernel a model without MLA runs in a prefill iteration of whole new prompts (no
   * cached context): `full-square` computes every key tile of each prompt, the masked upper
   * triangle included (vLLM-Ascend's PrefillNoCache route, ATB's PA_ENCODER flash attention called
   * with `isTriuMask` 0: model/layer-options.ts `fullSquarePrefill`). Absent: the causal tiles only.
   */
  nonMlaPrefillAttention: sourcedChoice(["full-square"]).optional(),
  /**
   * What the attention-DP ranks without a prompt do in another rank's prefill iteration when prefill
   * runs apart from decode and the engine decodes with MTP or a speculative draft: `others-idle`
   * (they run an idle batch), `others-decode` (they decode; also what an engine without the field gets).
   */
  speculativeApartPrefill: sourcedChoice(["others-idle", "others-decode"]).optional(),
  /**
   * The KV pool as `mem_fraction_static` × device memory − weights, no activation run (SGLang): the
   * release's default rule for the fraction, a scenario's `engine.memFractionStatic` the launch's.
   */
  staticMemoryFraction: staticMemoryFractionSchema.optional(),
  /** Share of the memory left after weights and activations that the engine gives the KV cache. */
  kvCacheMemoryFraction: z
    .strictObject({
      value: z.number().gt(0).max(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /**
   * Tokens per KV-cache block by default (`serving.kvCache.blockTokens`); `flashMla`: the size the
   * engine switches to for an MLA cache of `mlaCacheDim` values per token on the listed chips.
   */
  kvCacheBlockTokens: z
    .strictObject({
      value: z.number().int().positive(),
      flashMla: z
        .strictObject({
          value: z.number().int().positive(),
          mlaCacheDim: z.number().int().positive(),
          chips: z.array(z.string()).min(1),
        })
        .optional(),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  /**
   * Small kernels the engine runs on their own or fuses into others (engine-separate-kernels-schema.ts):
   * one entry, or a list with one entry per group of chip vendors.
   */
  separateKernels: separateKernelsListSchema.optional(),
  /**
   * The sampler the release runs on the device when requests ask for top-p (or top-k with top-p),
   * timed from kernel benchmarks (perf/sampler-time.ts): `measurements` give the top-p path's time
   * for `batch` rows of `vocab` logits on each measured `chip` (a chip measured uses its own points;
   * another chip scales the nearest measured chip's by FP32 vector throughput); `rest`, the
   * streaming passes of the rest of the sampling call on one chip (scaled by HBM bandwidth).
   */
  sampler: z
    .strictObject({
      kind: z.enum(["torch-sort", "flashinfer"]),
      measurements: z.array(samplerCurveSchema).min(1),
      rest: samplerCurveSchema.optional(),
      /**
       * The penalty pass (repetition / frequency / presence) when the requests set one: device
       * bytes per logit (row × vocabulary entry) its passes stream and its kernel count, timed as a
       * memory-bound vector operator of the chip (perf/step-head.ts).
       */
      penalties: z
        .strictObject({
          bytesPerLogit: z.number().positive(),
          kernels: z.number().int().positive(),
          source: z.string(),
          tag,
          note: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** The engine's host (CPU) time per iteration and per layer launch (engine-host-time-schema.ts). */
  hostTime: hostTimeSchema.optional(),
  /**
   * The engine's other runtime, TensorRT engines under its C++ executor (a scenario's
   * `engine.runtime: tensorrt`): what the note says it does not share with the recorded (PyTorch)
   * runtime — `hostTime` and `cudaGraphBatchSizes` are dropped for it (deploy/engine-runtime.ts).
   */
  tensorrtRuntime: z.strictObject({ source: z.string(), tag, note: z.string().optional() }).optional(),
  /**
   * How a decode-only iteration runs by default: replayed as one full graph (`full`: vLLM's
   * FULL / FULL_DECODE_ONLY, torchair) or as a piecewise graph whose attention runs eagerly
   * (`piecewise`), paying `hostTime.perLayerUs` per layer. Iterations with a prefill run piecewise
   * or eagerly in either case. A scenario's `engine.decodeGraph` overrides it.
   */
  decodeGraph: sourcedChoice(DECODE_GRAPH_MODES).optional(),
  /**
   * How a decode-only iteration of a model with chunked local attention layers (Llama 4) runs, where
   * that attention backend allows less than `decodeGraph` (vLLM's chunked-local builder reports no
   * CUDA-graph support, so its FULL decode mode falls back to PIECEWISE). Absent: `decodeGraph`. A
   * scenario's `engine.decodeGraph` overrides it too.
   */
  chunkedAttentionDecodeGraph: sourcedChoice(DECODE_GRAPH_MODES).optional(),
  /** How a DSA prefill runs its attention core (engine-dsa-prefill-schema.ts). */
  dsaPrefill: dsaPrefillSchema.optional(),
  /** The shared expert folded into the routed fused-MoE kernel (engine-fused-shared-expert.ts). */
  fusedSharedExpert: fusedSharedExpertSchema.optional(),
  /** The recurrent-state pool of a hybrid model and the running requests it allows (engine-hybrid-state-schema.ts). */
  hybridStatePool: hybridStatePoolSchema.optional(),
  /**
   * Where HCCL expands the engine's collectives (TP all-reduce / all-gather) on Ascend by default:
   * `aicpu` (CANN's default on Atlas A3 when the launch leaves `HCCL_OP_EXPANSION_MODE` unset: the
   * `hccl-aicpu` library's fixed cost per call) or `aiv`. A scenario's `engine.hcclExpansion`
   * overrides it. Absent: not recorded (the fabric's `hccl` costs).
   */
  hcclExpansion: sourcedChoice(HCCL_EXPANSION_MODES).optional(),
  /**
   * CUDA-graph batch sizes captured with padding on: a generation-only iteration runs the graph of
   * the smallest size at or above the busiest attention-DP rank's batch (perf/cuda-graph-padding.ts).
   */
  cudaGraphBatchSizes: z
    .strictObject({
      value: z.array(z.number().int().positive()).min(1),
      source: z.string(),
      tag,
      note: z.string().optional(),
    })
    .optional(),
  recorded: z
    .array(
      z.strictObject({
        policy: z.string(),
        value: z.string(),
        source: z.string(),
        tag,
        note: z.string().optional(),
      }),
    )
    .optional(),
});
export const engineFileSchema = z
  .strictObject({
    engine: z.string(),
    name: z.string(),
    sources: z.array(
      z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
    ),
    releases: z.array(releaseSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const keys = new Set(file.sources.map((s) => s.key));
    for (const { path, key } of sourceKeysCited(file.releases, ["releases"]))
      if (!keys.has(key))
        ctx.addIssue({
          code: "custom",
          path,
          message: `unknown source key "${key}"; expected a key of the file's sources (${[...keys].join(", ")})`,
        });
  });

/** Every `source` key cited below `value` (a string or a list of them), with its path. */
function sourceKeysCited(
  value: unknown,
  path: (string | number)[],
): { path: (string | number)[]; key: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => sourceKeysCited(v, [...path, i]));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (k !== "source") return sourceKeysCited(v, [...path, k]);
    const cited = Array.isArray(v)
      ? v.map((key, i) => ({ key, at: [...path, k, i] }))
      : [{ key: v, at: [...path, k] }];
    return cited.flatMap(({ key, at }) => (typeof key === "string" ? [{ path: at, key }] : []));
  });
}

/** One release's entry of an engine data file. */
export type EngineRelease = z.output<typeof releaseSchema>;
