/**
 * The deployment plan of one instance group: ranks, parallel degrees per layer type, expert
 * placement, microbatch overlap and MTP, checked for divisibility. Built once when a scenario is
 * parsed; read-only afterwards. A plan that does not divide fails with a `SupernodeError` naming
 * the field, the numbers and by how much they miss.
 */
import type { Chip } from "../hardware/types.ts";
import type { ModelArchitecture } from "../model/types.ts";
import { SupernodeError } from "../spec/errors.ts";
import type { ExpertImbalanceSpec, InstanceGroupSpec } from "../spec/scenario-schema.ts";
import { didYouMean } from "../spec/suggest.ts";
import { expertLoadSkewProfiles } from "./expert-popularity.ts";
import { type OffloadPlan, planOffload } from "./offload-plan.ts";
import { type PipelinePlan, planPipelinedGroup } from "./pipeline-plan.ts";
import { planSpeculative, type SpeculativeDraft } from "./speculative-plan.ts";
import { type StreamProfile, type StreamRole, streamProfile, streamProfileIds } from "./stream-profiles.ts";

export type InstanceRole = StreamRole;

export type { Precision } from "./precision.ts";

export interface MtpPlan {
  readonly draftTokens: number;
  readonly acceptanceRate: number;
  readonly pipelined: boolean;
  /** Tokens emitted per step per sequence on average: 1 + a + a² + … + a^draftTokens. */
  readonly tokensPerStep: number;
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
  readonly library?: "cann-ep" | "deepep" | "nvlink-one-sided";
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
  readonly kvLength?: number;
  readonly tokensPerChip?: number;
  readonly promptLength?: number;
  /** Pipeline parallelism (stages of layers), or undefined for one stage. */
  readonly pipeline?: PipelinePlan;
  /** Weights / KV cache in host memory, or undefined. */
  readonly offload?: OffloadPlan;
}

/** Raises an infeasible-deployment error at a field of the group. */
export type FieldFailure = (fieldPath: ReadonlyArray<string | number>, detail: string) => never;

/**
 * Resolves one instance group. `fail` turns a problem into a located `SupernodeError`.
 * @example planInstanceGroup("decode", group, chip, arch, (p, d) => { throw new Error(d) })
 */
export function planInstanceGroup(
  role: InstanceRole,
  group: InstanceGroupSpec,
  chip: Chip,
  arch: ModelArchitecture,
  fail: FieldFailure,
): InstancePlan {
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  if (group.pp !== undefined)
    return planPipelinedGroup(group, arch, ranksPerChip, fail, (stage) =>
      planInstanceGroup(role, stage, chip, arch, fail),
    );
  let chipsPerInstance: number;
  let ranksPerInstance: number;
  if (group.chipsPerInstance !== undefined) {
    chipsPerInstance = group.chipsPerInstance;
    ranksPerInstance = chipsPerInstance * ranksPerChip;
  } else {
    ranksPerInstance = group.ranksPerInstance ?? 1;
    if (ranksPerInstance % ranksPerChip !== 0)
      fail(
        ["ranksPerInstance"],
        `${ranksPerInstance} ranks do not fill whole ${chip.name} chips of ${ranksPerChip} ranks each (${ranksPerInstance % ranksPerChip} left over)`,
      );
    chipsPerInstance = ranksPerInstance / ranksPerChip;
  }

  const attentionTp = group.attention.tp;
  checkDivides(
    attentionTp,
    ranksPerInstance,
    ["attention", "tp"],
    "attention TP",
    "ranks per instance",
    fail,
  );
  checkDivides(
    attentionTp,
    arch.attention.numHeads,
    ["attention", "tp"],
    "attention TP",
    "attention heads",
    fail,
  );
  if (arch.attention.kind === "gqa" && attentionTp > arch.attention.numKvHeads)
    checkDivides(
      arch.attention.numKvHeads,
      attentionTp,
      ["attention", "tp"],
      "KV heads",
      "attention TP",
      fail,
    );

  const denseTp = group.denseFfn.tp;
  checkDivides(denseTp, ranksPerInstance, ["denseFfn", "tp"], "dense FFN TP", "ranks per instance", fail);
  checkDivides(
    denseTp,
    arch.denseIntermediateSize,
    ["denseFfn", "tp"],
    "dense FFN TP",
    "FFN intermediate size",
    fail,
  );

  let moe: MoePlan | undefined;
  if (
    arch.moe === undefined &&
    (group.moe.ep !== undefined || group.moe.redundantExperts > 0 || group.moe.tp > 1)
  )
    fail(["moe"], `model ${arch.id} has no MoE layers; remove the moe section (use denseFfn for its FFN)`);
  if (arch.moe !== undefined) {
    const tp = group.moe.tp;
    const ep = group.moe.ep ?? ranksPerInstance / tp;
    if (ep * tp !== ranksPerInstance)
      fail(
        ["moe", "ep"],
        `MoE EP${ep} × TP${tp} = ${ep * tp} ranks, but the instance has ${ranksPerInstance} ranks (${chipsPerInstance} chips × ${ranksPerChip}); they must be equal`,
      );
    checkDivides(
      tp,
      arch.moe.expertIntermediateSize,
      ["moe", "tp"],
      "MoE TP",
      "expert intermediate size",
      fail,
    );
    const replicas = group.moe.sharedExpertReplicas;
    const dedicated =
      arch.moe.numSharedExperts > 0 && replicas !== undefined && replicas !== ep ? replicas : 0;
    if (replicas !== undefined && replicas > ep)
      fail(
        ["moe", "sharedExpertReplicas"],
        `${replicas} shared-expert replicas exceed EP${ep} (at most one per rank)`,
      );
    const slots =
      arch.moe.numRoutedExperts + group.moe.redundantExperts + dedicated * arch.moe.numSharedExperts;
    if (slots % ep !== 0) {
      const up = Math.ceil(slots / ep) * ep;
      fail(
        ["moe", "ep"],
        `${slots} expert slots (${arch.moe.numRoutedExperts} routed + ${group.moe.redundantExperts} redundant${dedicated > 0 ? ` + ${dedicated * arch.moe.numSharedExperts} shared` : ""}) do not divide over EP${ep}: ${slots % ep} left over; add ${up - slots} redundant experts or change EP`,
      );
    }
    if (ep > slots)
      fail(
        ["moe", "ep"],
        `EP${ep} exceeds the ${slots} expert slots: ${ep - slots} ranks would hold no expert`,
      );
    moe = {
      ep,
      tp,
      routedExperts: arch.moe.numRoutedExperts,
      redundantExperts: group.moe.redundantExperts,
      dedicatedSharedReplicas: dedicated,
      slotsPerRank: slots / ep,
      transport: group.moe.transport,
      ...(group.moe.library !== undefined ? { library: group.moe.library } : {}),
    };
  }

  const imbalance = group.expertImbalance;
  if (typeof imbalance === "object" && imbalance.distribution === "measured-skew") {
    const ids = expertLoadSkewProfiles().map((p) => p.id);
    if (!ids.includes(imbalance.profile))
      fail(
        ["expertImbalance", "profile"],
        `unknown expert-load skew profile "${imbalance.profile}". ${didYouMean(imbalance.profile, ids)}`,
      );
    if (imbalance.placement === "by-index" && group.moe.redundantExperts > 0)
      fail(
        ["expertImbalance", "placement"],
        `placement by-index keeps one copy of each expert (no load balancer); got ${group.moe.redundantExperts} redundant experts: remove them or use placement eplb`,
      );
  }

  let overlap: InstancePlan["overlap"];
  const mo = group.microbatchOverlap;
  const enabled = typeof mo === "boolean" ? mo : mo.enabled;
  if (enabled) {
    const microbatches = typeof mo === "boolean" ? 2 : mo.microbatches;
    const profileId = typeof mo === "boolean" ? undefined : mo.streams;
    if (profileId !== undefined && !streamProfileIds().includes(profileId))
      fail(
        ["microbatchOverlap", "streams"],
        `unknown stream profile "${profileId}". ${didYouMean(profileId, streamProfileIds())}`,
      );
    const policy = typeof mo === "boolean" ? "always" : mo.policy;
    overlap = { microbatches, profile: streamProfile(profileId, chip.vendor, role), policy };
  }

  let mtp: MtpPlan | undefined;
  if (group.speculative !== undefined) {
    if (group.mtp !== undefined) fail(["speculative"], "give mtp or speculative, not both");
    if (role === "prefill")
      fail(["speculative"], "speculative decoding applies to decode; remove it from the prefill group");
    mtp = planSpeculative(group.speculative, arch, fail);
  }
  if (group.mtp !== undefined) {
    if (role === "prefill") fail(["mtp"], "MTP applies to decode; remove it from the prefill group");
    if (arch.mtpModules === 0)
      fail(["mtp"], `model ${arch.id} has no MTP module (num_nextn_predict_layers = 0); remove mtp`);
    const a = group.mtp.acceptanceRate;
    let tokens = 1;
    let p = 1;
    for (let i = 0; i < group.mtp.draftTokens; i++) {
      p *= a;
      tokens += p;
    }
    mtp = { ...group.mtp, tokensPerStep: tokens };
  }

  if (role !== "prefill" && group.batchPerChip === undefined)
    fail(
      ["batchPerChip"],
      `a ${role} group needs its operating point: batchPerChip (concurrent sequences per chip)`,
    );
  if (role !== "prefill" && group.kvLength === undefined)
    fail(["kvLength"], `a ${role} group needs its operating point: kvLength (KV-cache tokens per sequence)`);
  if (role !== "decode" && group.tokensPerChip === undefined)
    fail(
      ["tokensPerChip"],
      `a ${role} group needs tokensPerChip (new tokens per chip per prefill iteration)`,
    );
  if (role !== "decode" && group.promptLength === undefined)
    fail(["promptLength"], `a ${role} group needs promptLength (tokens per prompt)`);
  if (
    group.batchPerChip !== undefined &&
    (group.batchPerChip * chipsPerInstance) % (ranksPerInstance / attentionTp) !== 0
  ) {
    const dp = ranksPerInstance / attentionTp;
    const total = group.batchPerChip * chipsPerInstance;
    fail(
      ["batchPerChip"],
      `${total} sequences per instance (${group.batchPerChip} per chip × ${chipsPerInstance}) do not divide over attention DP${dp}: ${total % dp} left over`,
    );
  }

  return {
    role,
    instances: group.instances,
    chipsPerInstance,
    ranksPerChip,
    ranksPerInstance,
    attention: {
      tp: attentionTp,
      dp: ranksPerInstance / attentionTp,
      sequenceParallel: group.attention.sequenceParallel,
    },
    ...(moe !== undefined ? { moe } : {}),
    denseFfn: { tp: denseTp, dp: ranksPerInstance / denseTp },
    expertImbalance: group.expertImbalance,
    ...(overlap !== undefined ? { overlap } : {}),
    ...(mtp !== undefined ? { mtp } : {}),
    ...(group.batchPerChip !== undefined ? { batchPerChip: group.batchPerChip } : {}),
    ...(group.kvLength !== undefined ? { kvLength: group.kvLength } : {}),
    ...(group.tokensPerChip !== undefined ? { tokensPerChip: group.tokensPerChip } : {}),
    ...(group.promptLength !== undefined ? { promptLength: group.promptLength } : {}),
    ...(group.offload !== undefined ? { offload: planOffload(group.offload, chip, fail) } : {}),
  };
}

function checkDivides(
  divisor: number,
  total: number,
  fieldPath: ReadonlyArray<string | number>,
  divisorName: string,
  totalName: string,
  fail: FieldFailure,
): void {
  if (total % divisor !== 0)
    fail(
      fieldPath,
      `${divisorName} ${divisor} does not divide the ${total} ${totalName}: ${total % divisor} left over`,
    );
}

/** Turns a failure into a thrown SupernodeError (kind `infeasible`). */
export function infeasible(
  file: string,
  locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined,
  prefix: ReadonlyArray<string | number>,
): FieldFailure {
  return (fieldPath, detail) => {
    const path = [...prefix, ...fieldPath];
    const pos = locate(path);
    throw new SupernodeError("infeasible", detail, {
      file,
      line: pos?.line,
      column: pos?.column,
      fieldPath: path,
    });
  };
}
