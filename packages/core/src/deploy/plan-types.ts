/**
 * The shape of a deployment plan: one instance group's ranks, parallel degrees per layer type,
 * expert placement, microbatch overlap and MTP, plus the located-failure callback every planning
 * step reports through. Built by `planInstanceGroup` (plan.ts); read-only afterwards.
 */
import type { Dtype } from "../hardware/index.ts";
import type { ExpertImbalanceSpec, LmHeadParallelSpec } from "../spec/index.ts";
import type { OffloadPlan } from "./offload-plan.ts";
import type { PipelinePlan } from "./pipeline-plan.ts";
import type { SpeculativeDraft } from "./speculative-plan.ts";
import type { StreamProfile, StreamRole } from "./stream-profiles.ts";

export type InstanceRole = StreamRole;

export interface MtpPlan {
  readonly draftTokens: number;
  readonly acceptanceRate: number;
  readonly pipelined: boolean;
  /** Tokens emitted per step per sequence on average: 1 + a + a² + … + a^draftTokens. */
  readonly tokensPerStep: number;
  /** The MTP module's weight and GEMM format when it differs from the main model's (`mtp.weights`). */
  readonly weights?: Dtype;
  /** A separate draft model (speculative decoding) instead of the model's own MTP modules. */
  readonly draft?: SpeculativeDraft;
}

export interface MoePlan {
  /** Expert-parallel degree (ranks the expert slots are spread over). */
  readonly ep: number;
  /** Tensor parallelism inside each expert. */
  readonly tp: number;
  readonly routedExperts: number;
  readonly redundantExperts: number;
  /** Shared-expert copies on dedicated slots (0: a shared-expert copy on every rank, fed locally). */
  readonly dedicatedSharedReplicas: number;
  /** Expert slots per rank (routed + redundant + dedicated shared, divided over EP). */
  readonly slotsPerRank: number;
  /** Dispatch/combine over the scale-up fabric where possible (`auto`) or all over the NICs. */
  readonly transport: "auto" | "scale-out";
  /** MoE communication kernels (absent: the fabric's default library). */
  readonly library?: "cann-ep" | "cann-mc2" | "deepep" | "nvlink-one-sided" | "allgather-reducescatter";
  /** The shared expert on a second stream beside the routed path (moe.sharedExpertStream). */
  readonly sharedExpertStream?: boolean;
  /** Dispatch and combine overlapped with the routed experts in one kernel (moe.fusedDispatchCombine). */
  readonly fusedDispatchCombine?: boolean;
}

/** A line and column in a scenario file (undefined when the file has no such place). */
export interface InstanceLocation {
  readonly line: number | undefined;
  readonly column: number | undefined;
}

export interface InstancePlan {
  readonly role: InstanceRole;
  /** Where the group is written (`deployment.<role>` in the scenario file), for messages. */
  readonly location?: InstanceLocation;
  readonly instances: number;
  readonly chipsPerInstance: number;
  /** Ranks (devices) per chip: dies on CloudMatrix384's 910C, 1 for GPUs. */
  readonly ranksPerChip: number;
  readonly ranksPerInstance: number;
  readonly attention: { readonly tp: number; readonly dp: number; readonly sequenceParallel: boolean };
  readonly moe?: MoePlan;
  readonly denseFfn: { readonly tp: number; readonly dp: number };
  /** The LM head's own vocabulary-parallel group where the deployment states one (else attention TP). */
  readonly lmHead?: Readonly<LmHeadParallelSpec>;
  readonly expertImbalance: ExpertImbalanceSpec;
  /** Microbatch overlap, or undefined when the step runs as one batch. */
  readonly overlap?: {
    readonly microbatches: number;
    readonly profile: StreamProfile;
    /** `when-faster`: a step runs as one batch when that is quicker. */
    readonly policy: "always" | "when-faster";
  };
  readonly mtp?: MtpPlan;
  readonly batchPerChip?: number;
  /** Requests in flight per instance and how they are placed on attention-DP ranks (decode). */
  readonly requestsInFlight?: { readonly count: number; readonly placement: "random" };
  readonly kvLength?: number;
  readonly tokensPerChip?: number;
  readonly promptLength?: number;
  /** A disaggregated pool's own token budget per iteration (its engine's max_num_tokens), else the scheduler's. */
  readonly maxBatchTokens?: number;
  /** Pipeline parallelism (stages of layers), or undefined for one stage. */
  readonly pipeline?: PipelinePlan;
  /** Weights / KV cache in host memory, or undefined. */
  readonly offload?: OffloadPlan;
}

/** Raises an infeasible-deployment error at a field of the group. */
export type FieldFailure = (fieldPath: ReadonlyArray<string | number>, detail: string) => never;
