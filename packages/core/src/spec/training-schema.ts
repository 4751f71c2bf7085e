/**
 * The training scenario document (YAML or JSON). It is of the same family as the serving scenario
 * (`system`, `model`, a precision section) and is told apart by `kind: training`; instead of a
 * `deployment` it has the job's size (`chips`), its `parallelism`, `batch`, `recompute`, `overlap`,
 * the token budget to train (`train`) and optional `reliability` inputs. Sizes of parallel groups
 * count ranks (devices: dies on CloudMatrix384's 910C, GPUs elsewhere). Documented in
 * docs/training/scenario.md; `parseTrainingScenario` resolves it.
 *
 * @example
 * kind: training
 * system: hgx-h100
 * chips: 1024
 * model: llama-3.1-70b
 * precision: { compute: bf16 }
 * parallelism: { tp: 8, sequenceParallel: true, pp: 4, schedule: interleaved, virtualStages: 5, zero: 1 }
 * batch: { globalBatch: 512, microBatch: 1, sequenceLength: 8192 }
 * recompute: selective
 * train: { tokens: 15e12 }
 */
import { z } from "zod";
import { scenarioCalibrationSchema } from "./calibrated-on.ts";
import { scenarioDtypeSchema } from "./precision-schema.ts";
import { scenarioModelSchema, scenarioSourceSchema, scenarioSystemSchema } from "./scenario-schema.ts";
import { trainingParallelismSchema } from "./training-parallelism-schema.ts";

const positiveInt = z.number().int().positive();

/** Formats of the training job's tensors. */
export const trainingPrecisionSchema = z.strictObject({
  /**
   * GEMM math (and GEMM weight/activation copies): bf16, fp8 (Transformer Engine / DeepSeek-V3
   * style) or nvfp4 (Transformer Engine's NVFP4BlockScaling: every linear layer's fprop, dgrad and
   * wgrad in FP4 E2M1 with 16-element E4M3 block scales; attention and the LM head stay BF16; see
   * training/nvfp4-quantization.ts). A bare `fp4` is refused: FP4 training means a recipe.
   */
  compute: z.enum([...scenarioDtypeSchema.options, "nvfp4"]).default("bf16"),
  /**
   * How FP8 GEMM operands are scaled (fp8 compute only): `current` = per-tensor current scaling
   * (Transformer Engine's FP8-CS: an amax pass, then the cast), `blockwise` = 1×128 tiles scaled
   * online in one fused pass (DeepSeek-V3 §3.3). See training/fp8-quantization.ts.
   */
  fp8Scaling: z.enum(["current", "blockwise"]).default("current"),
  /** Model parameters as held for forward/backward. */
  params: scenarioDtypeSchema.default("bf16"),
  /** Gradients as accumulated (Megatron's main_grad: fp32) and reduced across data parallelism. */
  gradients: scenarioDtypeSchema.default("fp32"),
  /** Adam's two moments. */
  optimizerStates: scenarioDtypeSchema.default("fp32"),
  /** An fp32 master copy of the parameters beside the bf16 ones (mixed-precision training). */
  masterWeights: z.boolean().default(true),
  /** MoE dispatch payload; default: the compute format (DeepSeek-V3: fp8). */
  dispatch: scenarioDtypeSchema.optional(),
  /** MoE combine payload. */
  combine: scenarioDtypeSchema.default("bf16"),
  /**
   * Decoder blocks kept in BF16 at the start and end of the model (Megatron-Core's
   * `first_last_layers_bf16` with `num_layers_at_start_in_bf16` / `num_layers_at_end_in_bf16`):
   * every GEMM of those blocks runs BF16, and `operatorFormats` does not apply there. fp8 / nvfp4 only.
   */
  bf16Layers: z
    .strictObject({
      start: z.number().int().nonnegative().default(0),
      end: z.number().int().nonnegative().default(0),
    })
    .optional(),
  /**
   * Formats of some operators inside the low-precision blocks (a Megatron-Core `quant_recipe`, TE
   * quantization-recipe matchers): each entry's operator-name globs (`*` any text, e.g.
   * `attn.qkv_proj*`, `mtp*`) run in its `compute` (BF16, or FP8 with its `fp8Scaling`). The first
   * entry that matches an operator wins; a glob that matches no operator is an error. fp8 / nvfp4 only.
   */
  operatorFormats: z
    .array(
      z.strictObject({
        operators: z.array(z.string().min(1)).min(1),
        compute: z.enum(["bf16", "fp8"]),
        fp8Scaling: z.enum(["current", "blockwise"]).default("current"),
      }),
    )
    .default([]),
});
export type TrainingPrecisionSpec = z.output<typeof trainingPrecisionSchema>;

export const trainingBatchSchema = z.strictObject({
  /** Sequences per optimizer step (all data-parallel ranks together). */
  globalBatch: positiveInt,
  /** Sequences per micro-batch on one pipeline. */
  microBatch: positiveInt.default(1),
  /** Tokens per sequence. */
  sequenceLength: positiveInt,
});

/** Which communication overlaps computation (true) or waits for it (false). */
export const trainingOverlapSchema = z.strictObject({
  /** Data-parallel gradient reduce(-scatter) in buckets during the last micro-batch's backward. */
  gradReduce: z.boolean().default(true),
  /** Parameter all-gather (ZeRO-1/2 after the step, ZeRO-3 per layer) prefetched under compute. */
  paramGather: z.boolean().default(true),
  /** TP/SP collectives pipelined with the GEMMs that produce or consume them (TE userbuffers). */
  tp: z.boolean().default(false),
  /** MoE dispatch/combine hidden under another micro-batch's compute (DualPipe does this by construction). */
  ep: z.boolean().default(false),
  /**
   * Share of each device's compute units given to communication kernels while they overlap compute
   * (DeepSeek-V3 reserved 20 of 132 SMs); the rest runs the operators. Default 0.
   */
  reservedComputeFraction: z.number().min(0).max(0.9).default(0),
});

export const trainingReliabilitySchema = z.strictObject({
  /** Unexpected interruptions per chip-hour; default from data/training/reliability.yaml. */
  failuresPerChipHour: z.number().positive().optional(),
  /** Sustained checkpoint write bandwidth of the storage tier, bytes/s; default from the data file. */
  checkpointWriteBytesPerS: z.number().positive().optional(),
  /** Seconds from a failure to training again (detect, restart, reload, re-warm); default from the data file. */
  restartS: z.number().nonnegative().optional(),
  /** Checkpoint interval in seconds; default: Young/Daly optimum. */
  checkpointIntervalS: z.number().positive().optional(),
});

export const trainingScenarioSchema = z.strictObject({
  kind: z.literal("training"),
  name: z.string().optional(),
  description: z.string().optional(),
  source: scenarioSourceSchema.optional(),
  system: scenarioSystemSchema,
  /** Accelerator packages the job uses (a multiple of nothing in particular; whole systems are counted). */
  chips: positiveInt,
  /** Cluster fabric id (data/clusters) joining the systems; default: the system's own default. */
  fabric: z.string().min(1).optional(),
  model: scenarioModelSchema,
  precision: trainingPrecisionSchema.default({
    compute: "bf16",
    fp8Scaling: "current",
    params: "bf16",
    gradients: "fp32",
    optimizerStates: "fp32",
    masterWeights: true,
    combine: "bf16",
    operatorFormats: [],
  }),
  parallelism: trainingParallelismSchema.default({
    tp: 1,
    sequenceParallel: false,
    pp: 1,
    schedule: "1f1b",
    virtualStages: 1,
    cp: 1,
    cpAlgorithm: "ring",
    ep: 1,
    zero: 1,
    fsdp: false,
    optimizerInstances: 1,
  }),
  batch: trainingBatchSchema,
  /** Activation recomputation: none, selective (attention core only, Korthikanti et al.) or full (every layer). */
  recompute: z.enum(["none", "selective", "full"]).default("selective"),
  overlap: trainingOverlapSchema.default({
    gradReduce: true,
    paramGather: true,
    tp: false,
    ep: false,
    reservedComputeFraction: 0,
  }),
  /**
   * The training framework, for what only it does on the host: `megatron-core` (Megatron-Core and
   * what runs on it — NeMo, Megatron-Bridge, MindSpeed, PAI-Megatron: the eager MoE layer's host
   * time, training/eager-moe-host.ts) or `hai-llm` (DeepSeek's own framework, whose host behaviour
   * is not published: none modelled). Default: megatron-core.
   */
  framework: z.enum(["megatron-core", "hai-llm"]).default("megatron-core"),
  /**
   * What the framework runs as CUDA graphs (Megatron-Core's `cuda_graph_scope`): a list of the
   * partially captured modules (`attn`, `moe_router`, `moe_preprocess`), `transformer-layer` (every
   * whole layer, attention and MoE, one graph per layer and direction: Megatron-Core's
   * `enable_cuda_graph` with scope `full`, which captures a MoE layer only when it is padded to
   * capacity), or `full-iteration` (the whole step as one graph, no per-layer host sync). Default:
   * none, every module eager. Only MoE layers' host time is modelled (training/eager-moe-host.ts).
   */
  cudaGraphScope: z
    .union([
      z.literal("full-iteration"),
      z.literal("transformer-layer"),
      z.array(z.enum(["attn", "moe_router", "moe_preprocess"])),
    ])
    .default([]),
  /**
   * How the framework runs a MoE layer's local experts (training/expert-gemm-loop.ts): `grouped`,
   * one grouped-GEMM kernel over all local experts (DeepGEMM, CUTLASS); `per-expert-streams`,
   * Transformer Engine's GroupedLinear as TE 2.9 runs it by default (Megatron-Core's TEGroupedMLP):
   * one cuBLAS GEMM per local expert, round-robin on 4 compute streams, FP8 operands quantised per
   * expert. Default: grouped.
   */
  expertGemm: z.enum(["grouped", "per-expert-streams"]).default("grouped"),
  /**
   * Megatron-Core's MoE token dispatcher (`moe_token_dispatcher_type`, and `moe_flex_dispatcher_backend`
   * under `flex`), for the token copies it makes around the EP transfers (training/moe-token-copies.ts):
   * `alltoall` (NCCL all-to-all: a global permute before it, a sort by local expert after it, their
   * inverses on the way back), `hybridep` or `deepep` (flex: permutation fused into the communication
   * kernels, one copy between the kernel's buffer and the expert tensors per dispatch and combine).
   * Default: alltoall (Megatron-Bridge's Qwen3 and GPT-OSS providers). `allgather`
   * (`MoEAllGatherTokenDispatcher`, Megatron-Core ≤ 0.7's default, MindSpeed-LLM 1.0.RC3's Mixtral
   * script): the sequence-parallel tokens all-gathered over the TP group before experts split over TP
   * and reduce-scattered after them, the permutation by torch gathers and scatters
   * (training/allgather-dispatcher.ts); modelled at ep 1 with sequence parallelism (or tp 1).
   * `alltoall-sp2hp`: Megatron-Core ≤ 0.7's all-to-all dispatcher at tp > 1 (MindSpeed-LLM 1.0.0's
   * Mixtral script): the sequence shard turned into the TP group's tokens at 1/tp of the width
   * (`all_to_all_sp2hp`), the routed copies' last dimension all-gathered over TP before experts split
   * over TP and reduce-scattered after them (training/alltoall-sp2hp-dispatcher.ts); modelled at ep 1
   * with sequence parallelism.
   */
  tokenDispatcher: z
    .enum(["alltoall", "allgather", "alltoall-sp2hp", "hybridep", "deepep"])
    .default("alltoall"),
  /**
   * Megatron-Core's token drop (`moe_expert_capacity_factor`, `moe_pad_expert_input_to_capacity`;
   * Megatron-Bridge's `apply_moe_token_drop`): with `pad`, every expert runs exactly its capacity
   * and the all-to-all dispatcher takes the counts from the host, so the MoE layer makes no
   * device-to-host sync (training/eager-moe-host.ts); without `pad` it syncs as a dropless layer
   * does. Only the factor 1.0 (the balanced routing's own token count) is modelled. Default: none
   * (dropless).
   */
  moeCapacity: z.strictObject({ factor: z.number().positive(), pad: z.boolean().default(true) }).optional(),
  /** Where HybridEP blocks the host (training/eager-moe-host.ts): `dispatch`, the forward dispatch only; `every-call`,
   * forward and backward dispatch and combine (DeepEP hybrid-ep 1dddd194, Megatron-LM's pin 2025-11-24 to 12-10). */
  hybridepSyncs: z.enum(["dispatch", "every-call"]).default("dispatch"),
  /**
   * Megatron-Core's fine-grained activation offloading of the MoE expert modules
   * (`fine_grained_activation_offloading`, `offload_modules`, `min_offloaded_tensor_size`;
   * training/activation-offload.ts): the listed modules' saved inputs of at least
   * `minTensorElements` elements go to host memory after each forward and come back before the
   * backward. `fused_group_mlp` (TE's op fuser) cannot be combined with the other two. Default: none.
   */
  activationOffload: z
    .strictObject({
      modules: z.array(z.enum(["expert_fc1", "moe_act", "fused_group_mlp"])).min(1),
      minTensorElements: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
    })
    .refine((o) => !o.modules.includes("fused_group_mlp") || o.modules.length === 1, {
      message:
        "fused_group_mlp offloads the whole fused grouped MLP: it cannot be combined with expert_fc1 or moe_act",
      path: ["modules"],
    })
    .optional(),
  /**
   * Megatron-Core's `gradient_accumulation_fusion` (training/grad-accumulation.ts): true, the weight-
   * gradient GEMM accumulates into the FP32 `main_grad` itself (TE's `fuse_wgrad_accumulation`, APEX's
   * `wgrad_gemm_accum_fp32`); false (`--no-gradient-accumulation-fusion`, MindSpeed-LLM's scripts), it
   * returns a BF16 gradient that the DDP hook adds to `main_grad`: a memory-bound pass over the rank's
   * parameters every micro-batch. Default: true.
   */
  gradientAccumulationFusion: z.boolean().default(true),
  /**
   * Whether the framework applies RoPE with a fused kernel (Megatron-Core's `apply_rope_fusion`,
   * MindSpeed's `--use-fused-rotary-pos-emb`); false: PyTorch ops (training/megatron-rope.ts).
   * Default: true.
   */
  ropeFusion: z.boolean().default(true),
  /**
   * Whether the language-model loss runs as a fused cross-entropy (Megatron-Core's
   * `cross_entropy_loss_fusion`, Transformer Engine's in the NeMo recipes); false: Megatron's
   * `vocab_parallel_cross_entropy` on FP32 logits, eight passes (training/megatron-cross-entropy.ts).
   * Default: true.
   */
  crossEntropyFusion: z.boolean().default(true),
  /**
   * Megatron-Core's repeated MTP layer (`mtp_num_layers` with `mtp_use_repeated_layer`,
   * training/mtp-depth.ts): the model's one MTP block, its output head and loss run this many times
   * per micro-batch, with one block's parameters. Needs a model with exactly one MTP module.
   * Default: absent (each MTP module runs once).
   */
  mtpDepth: z.number().int().min(1).max(16).optional(),
  /** Tokens to train, for time-to-train and chip-hours. */
  train: z.strictObject({ tokens: z.number().positive() }).optional(),
  reliability: trainingReliabilitySchema.optional(),
  /** Values of this scenario chosen by looking at published results (docs/validation.md). */
  calibration: z.array(scenarioCalibrationSchema).optional(),
});
export type TrainingScenarioDocument = z.output<typeof trainingScenarioSchema>;
