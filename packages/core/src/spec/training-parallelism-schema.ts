/**
 * A training job's parallel layout (the training scenario's `parallelism`, spec/training-schema.ts):
 * tensor (with sequence) parallelism, pipeline stages and their schedule, context parallelism and
 * its algorithm, expert parallelism (carved out of data × context parallelism, or folded over
 * tp × cp × dp), and how the data-parallel ranks shard the model state (ZeRO, FSDP, HSDP).
 * Documented in docs/training/scenario.md.
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

export const PIPELINE_SCHEDULES = ["gpipe", "1f1b", "interleaved", "zero-bubble", "dualpipe"] as const;
export type PipelineSchedule = (typeof PIPELINE_SCHEDULES)[number];

export const trainingParallelismSchema = z.strictObject({
  /** Tensor parallelism (Megatron): heads and FFN columns split over tp ranks. */
  tp: positiveInt.default(1),
  /** Sequence parallelism with TP: norms and dropout on tokens/tp; all-gather + reduce-scatter instead of all-reduce. */
  sequenceParallel: z.boolean().default(false),
  /** Pipeline stages. */
  pp: positiveInt.default(1),
  schedule: z.enum(PIPELINE_SCHEDULES).default("1f1b"),
  /** Model chunks per stage for the interleaved schedule. */
  virtualStages: positiveInt.default(1),
  /** Context parallelism: each sequence split over cp ranks. */
  cp: positiveInt.default(1),
  /**
   * Ring attention (KV passed around, overlapped with attention), all-gather (K/V all-gathered before
   * attention, their gradients reduce-scattered after it, exposed: Llama 3) or all-to-all (Ulysses:
   * heads re-split).
   */
  cpAlgorithm: z.enum(["ring", "all-gather", "all-to-all"]).default("ring"),
  /** Expert parallelism for MoE layers, carved out of the data-parallel × context-parallel ranks. */
  ep: positiveInt.default(1),
  /**
   * Megatron-Core's `expert_tensor_parallel_size` when it is 1 (MoE parallel folding): the experts get
   * their own rank grid (order tp-ep-dp-pp with expert tp 1), so ep may span tp × cp × dp, an EP group
   * is ep consecutive ranks and the expert data parallelism is tp × cp × dp ÷ ep (Nemotron 3's TP2 ×
   * EP64). Absent: ep is carved out of dp × cp (EP ranks tp × cp apart). The experts run whole on the
   * sequence-parallel token shard either way (training/stage-compute.ts).
   */
  etp: z.literal(1).optional(),
  /** ZeRO stage over data parallelism: 0 (DDP), 1 (optimizer states), 2 (+ gradients), 3 (+ parameters). */
  zero: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).default(1),
  /** FSDP (full sharding): the same as zero: 3. */
  fsdp: z.boolean().default(false),
  /**
   * Hybrid sharding (HSDP) under zero: 3, Megatron-FSDP's `num_distributed_optimizer_instances` with
   * `outer_dp_sharding_strategy: optim`: the data-parallel ranks split into this many instances;
   * parameters and gradients are sharded (and gathered / reduce-scattered per micro-batch) inside an
   * instance, the optimizer states over all data-parallel ranks, and each step the instances reduce
   * their gradient shards and gather the updated parameters across each other. Default 1 (plain FSDP).
   */
  optimizerInstances: positiveInt.default(1),
});
export type TrainingParallelismSpec = z.output<typeof trainingParallelismSchema>;
