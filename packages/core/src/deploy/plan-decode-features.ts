/**
 * Step-shaping features of one instance group: microbatch overlap (streams profile and policy)
 * and multi-token prediction — the model's own MTP modules or a separate speculative draft.
 */
import type { Chip } from "../hardware/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import { didYouMean, type InstanceGroupSpec } from "../spec/index.ts";
import type { FieldFailure, InstancePlan, InstanceRole, MtpPlan } from "./plan-types.ts";
import { planSpeculative } from "./speculative-plan.ts";
import { streamProfile, streamProfileIds } from "./stream-profiles.ts";

/** Microbatch overlap, or undefined when the step runs as one batch. */
export function planOverlap(
  role: InstanceRole,
  group: InstanceGroupSpec,
  chip: Chip,
  fail: FieldFailure,
): InstancePlan["overlap"] {
  const mo = group.microbatchOverlap;
  const enabled = typeof mo === "boolean" ? mo : mo.enabled;
  if (!enabled) return undefined;
  const microbatches = typeof mo === "boolean" ? 2 : mo.microbatches;
  const profileId = typeof mo === "boolean" ? undefined : mo.streams;
  if (profileId !== undefined && !streamProfileIds().includes(profileId))
    fail(
      ["microbatchOverlap", "streams"],
      `unknown stream profile "${profileId}". ${didYouMean(profileId, streamProfileIds())}`,
    );
  const policy = typeof mo === "boolean" ? "always" : mo.policy;
  return { microbatches, profile: streamProfile(profileId, chip.vendor, role), policy };
}

/** MTP or speculative decoding (decode only), or undefined when neither is configured. */
export function planMtp(
  role: InstanceRole,
  group: InstanceGroupSpec,
  arch: ModelArchitecture,
  fail: FieldFailure,
): MtpPlan | undefined {
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
  return mtp;
}
