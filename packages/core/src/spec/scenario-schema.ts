/**
 * The scenario document (YAML or JSON): which system runs which model, in which precision, with
 * which deployment, at which operating point — plus, for the serving simulator, the optional
 * `workload` and `serving` sections. This file is the schema of the file as users write it
 * (units in field names); `parseScenario` resolves it into a read-only `Scenario` in SI units.
 * Documented field by field in docs/scenario.md.
 *
 * @example
 * system: cloudmatrix384
 * model: deepseek-r1
 * precision: { weights: int8, activations: int8, kvCache: bf16, dispatch: int8, combine: bf16 }
 * deployment:
 *   decode:
 *     instances: 1
 *     chipsPerInstance: 160
 *     attention: { tp: 1 }
 *     moe: { ep: 320, redundantExperts: 32, sharedExpertReplicas: 32 }
 *     batchPerChip: 96
 *     kvLength: 4096
 *     mtp: { draftTokens: 1, acceptanceRate: 0.7 }
 *     microbatchOverlap: { enabled: true, streams: cloudmatrix-aic-aiv-split }
 */
import { z } from "zod";
import { scenarioCalibrationSchema } from "./calibrated-on.ts";
import { costSectionSchema, powerSectionSchema } from "./energy-schema.ts";
import { engineSchema } from "./engine-schema.ts";
import { countUpTo, LIMITS, rankCount, tokenCount } from "./limits.ts";
import { expertImbalanceSchema, moeParallelSchema } from "./moe-parallel-schema.ts";
import { offlineSchema } from "./offline-schema.ts";
import { offloadSchema } from "./offload-schema.ts";
import { pipelineSchema } from "./pipeline-schema.ts";
import { precisionSchema, scenarioDtypeSchema } from "./precision-schema.ts";
import { servingSchema } from "./serving-schema.ts";
import { withSglangParallel } from "./sglang-parallel-schema.ts";
import { speculativeSchema } from "./speculative-schema.ts";
import { workloadSchema } from "./workload-schema.ts";

export const attentionParallelSchema = z.strictObject({
  /** Heads split over this many ranks; attention data parallelism = ranks / tp. */
  tp: rankCount.default(1),
  /** Prefill: split tokens over the TP group for the stages before and after the attention core. */
  sequenceParallel: z.boolean().default(false),
});

export const denseFfnParallelSchema = z.strictObject({
  /** Tensor parallelism of the dense FFN layers; the rest is data parallel. */
  tp: rankCount.default(1),
});

/**
 * The LM head's own vocabulary-parallel group (vLLM-Ascend `finegrained_tp_config.lmhead_tensor_parallel_size`):
 * the head's vocabulary and weights split over `tp` ranks while attention runs at its own (smaller)
 * TP. Each step all-gathers the group's final hidden states, multiplies the gathered rows by the
 * rank's vocabulary shard, and returns each rank its own rows' logits (`logits` below).
 * Default: the head split by attention TP (no extra collectives).
 */
export const lmHeadParallelSchema = z.strictObject({
  /** Ranks the LM head's vocabulary is split over: a multiple of attention TP dividing the ranks. */
  tp: rankCount,
  /**
   * How each rank gets its rows' logits back: `all-to-all` (vLLM-Ascend's lmhead TP: its own rows
   * over the whole vocabulary) or `all-gather` (SGLang under DP attention without
   * `--enable-dp-lm-head`: every rank gathers all the group's rows over the whole vocabulary, then
   * keeps its own; logits_processor.py `tensor_model_parallel_all_gather`).
   */
  logits: z.enum(["all-to-all", "all-gather"]).default("all-to-all"),
});
export type LmHeadParallelSpec = z.output<typeof lmHeadParallelSchema>;

export const microbatchOverlapSchema = z.union([
  z.boolean(),
  z.strictObject({
    enabled: z.boolean().default(true),
    /** Microbatches per step (CloudMatrix-Infer and DeepSeek/SGLang run 2). */
    microbatches: z.number().int().min(2).max(LIMITS.microbatches).default(2),
    /**
     * Stream profile id from data/deploy/stream-profiles.yaml (how operators map to streams and
     * how compute is split between them); default: the system's profile.
     */
    streams: z.string().min(1).optional(),
    /**
     * `always` runs every step as microbatches; `when-faster`: the engine runs a step as one batch
     * when that is quicker (a tiny batch split in two gains nothing to overlap and pays twice the
     * per-kernel costs), and as microbatches otherwise.
     */
    policy: z.enum(["always", "when-faster"]).default("always"),
  }),
]);

export const mtpSchema = z.strictObject({
  /** Draft tokens proposed per step by the MTP module(s). */
  draftTokens: countUpTo(LIMITS.draftTokens, "draft tokens").default(1),
  /** Probability that a draft token is accepted (given the previous one was). */
  acceptanceRate: z.number().min(0).max(1),
  /**
   * Whether the MTP draft runs inside the same compute graph as the main model (CloudMatrix-Infer's
   * pipelined MTP, §4.2.4). If false, each step launches 1 + draftTokens graphs.
   */
  pipelined: z.boolean().default(true),
  /**
   * Format of the MTP module's weights and GEMM math where the engine loads the draft apart from
   * the main model's format (SGLang `--speculative-draft-model-quantization unquant`: a BF16 draft
   * beside a W8A8 target); default: the main model's `precision`.
   */
  weights: scenarioDtypeSchema.optional(),
});

/** One group of identical instances (prefill, decode or colocated). */
export const instanceGroupSchema = z
  .strictObject({
    instances: countUpTo(LIMITS.instances, "instances").default(1),
    /** Accelerator packages per instance (give this or ranksPerInstance). */
    chipsPerInstance: rankCount.optional(),
    /** Ranks (devices: dies on CloudMatrix384, GPUs elsewhere) per instance. */
    ranksPerInstance: rankCount.optional(),
    attention: attentionParallelSchema.default({ tp: 1, sequenceParallel: false }),
    moe: moeParallelSchema.default({ tp: 1, redundantExperts: 0, transport: "auto" }),
    denseFfn: denseFfnParallelSchema.default({ tp: 1 }),
    /** The LM head's own TP group (spec above); absent: split by attention TP. */
    lmHead: lmHeadParallelSchema.optional(),
    expertImbalance: expertImbalanceSchema.default("balanced"),
    microbatchOverlap: microbatchOverlapSchema.default(false),
    mtp: mtpSchema.optional(),
    /** Speculative decoding with a separate draft model (EAGLE, EAGLE-3, a draft LLM); spec/speculative-schema.ts. */
    speculative: speculativeSchema.optional(),
    /** Pipeline parallelism: stages of consecutive layers (spec/pipeline-schema.ts). */
    pp: pipelineSchema.optional(),
    /** Weights / KV cache held in host memory (spec/offload-schema.ts). */
    offload: offloadSchema.optional(),
    /**
     * Decode operating point: concurrent sequences per chip. A fraction when an instance runs fewer
     * sequences than it has chips (one request on a TP16 instance of 8 NPUs: 0.125); the sequences
     * per instance (batchPerChip × chips) must be a whole number.
     */
    batchPerChip: z
      .number()
      .positive()
      .max(LIMITS.batchPerChip, { error: `expected at most ${LIMITS.batchPerChip} sequences per chip` })
      .optional(),
    /**
     * Decode: requests the benchmark keeps in flight for one instance when it does not keep every
     * rank's batch full. `placement: random`: each request goes to an attention-DP rank drawn at
     * random (SGLang under prefill/decode disaggregation), a rank runs at most its batch
     * (batchPerChip × chips ÷ DP) and queues the rest; throughput counts the slots that are busy
     * (deploy/dp-rank-occupancy.ts). Absent: every slot is busy.
     */
    requestsInFlight: z
      .strictObject({
        count: countUpTo(LIMITS.requestsInFlight, "requests in flight"),
        placement: z.enum(["random"]),
      })
      .optional(),
    /** Decode operating point: KV-cache length of each sequence (tokens). */
    kvLength: tokenCount.optional(),
    /** Prefill operating point: new tokens per chip in one prefill iteration. */
    tokensPerChip: tokenCount.optional(),
    /** Prompt length (tokens): prefill chunks and TTFT. */
    promptLength: tokenCount.optional(),
    /**
     * Disaggregated pools: this pool's own token budget per iteration, where its engine is configured
     * apart from the other pool's (TensorRT-LLM's `max_num_tokens` of a context or generation worker).
     * Prefill: the new tokens of one prefill iteration; decode: each running sequence takes 1 + MTP
     * draft tokens of it, so it caps the sequences a step advances. Default `serving.scheduler.maxBatchTokens`;
     * refused on a colocated group (its budget is that field) and, on decode, below 1 + draft tokens or below the decode batch's tokens per step.
     */
    maxBatchTokens: tokenCount.optional(),
  })
  .refine((g) => (g.chipsPerInstance === undefined) !== (g.ranksPerInstance === undefined), {
    message: "give exactly one of chipsPerInstance or ranksPerInstance",
    path: ["chipsPerInstance"],
  });
export type InstanceGroupSpec = z.output<typeof instanceGroupSchema>;

/** A group as written: its fields, or SGLang's launch flags in `sglang` for the layout (spec/sglang-parallel-schema.ts). */
const writtenGroupSchema = withSglangParallel(instanceGroupSchema);

export const deploymentSchema = z
  .strictObject({
    prefill: writtenGroupSchema.optional(),
    decode: writtenGroupSchema.optional(),
    colocated: writtenGroupSchema.optional(),
  })
  .refine((d) => d.prefill !== undefined || d.decode !== undefined || d.colocated !== undefined, {
    message: "a deployment needs at least one of prefill, decode or colocated",
  })
  .refine((d) => d.colocated === undefined || (d.prefill === undefined && d.decode === undefined), {
    message: "colocated instances exclude separate prefill and decode groups",
    path: ["colocated"],
  });
export type DeploymentSpec = z.output<typeof deploymentSchema>;

/** A system: a catalog id, or an inline hardware definition (`extends` a built-in one). */
export const scenarioSystemSchema = z.union([
  z.string().min(1),
  z.looseObject({ id: z.string().min(1), extends: z.string().min(1).optional() }),
]);

/** A model: a zoo id, a path to a Hugging Face config.json (relative to the scenario), or an inline config. */
export const scenarioModelSchema = z.union([
  z.string().min(1),
  z.strictObject({ config: z.string().min(1) }),
  z.strictObject({ hfConfig: z.record(z.string(), z.unknown()) }),
]);

export const scenarioSourceSchema = z.strictObject({
  title: z.string().min(1),
  url: z.string().min(1),
  section: z.string().optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /** Where the scenario's deployment comes from (reference scenarios carry one). */
  source: scenarioSourceSchema.optional(),
  system: scenarioSystemSchema,
  model: scenarioModelSchema,
  precision: precisionSchema,
  /** The serving engine (spec/engine-schema.ts): scheduler defaults and kernels per release. */
  engine: engineSchema.optional(),
  deployment: deploymentSchema,
  /** The offline / maximum-throughput operating point (spec/offline-schema.ts). */
  offline: offlineSchema.optional(),
  workload: workloadSchema.optional(),
  serving: servingSchema.optional(),
  /** Values of this scenario chosen by looking at published results (docs/validation.md). */
  calibration: z.array(scenarioCalibrationSchema).optional(),
  /** Power-model overrides (docs/energy.md). */
  power: powerSectionSchema.optional(),
  /** Cost-model overrides (docs/energy.md). */
  cost: costSectionSchema.optional(),
});

/** The scenario document as written, after schema defaults. */
export type ScenarioDocument = z.output<typeof scenarioSchema>;
