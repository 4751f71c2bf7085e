/**
 * Expert placement of one instance group: EP × TP over the ranks, expert slots per rank
 * (routed + redundant + dedicated shared-expert copies), and the expert-load imbalance profile.
 */
import type { ModelArchitecture } from "../model/index.ts";
import { didYouMean, type InstanceGroupSpec } from "../spec/index.ts";
import { expertLoadSkewProfiles } from "./expert-popularity.ts";
import { checkDivides } from "./plan-failure.ts";
import type { InstanceRanks } from "./plan-parallel.ts";
import type { FieldFailure, MoePlan } from "./plan-types.ts";

/** The MoE plan, or undefined for a model without MoE layers (which then must not configure one). */
export function planMoe(
  group: InstanceGroupSpec,
  arch: ModelArchitecture,
  ranks: InstanceRanks,
  ranksPerChip: number,
  fail: FieldFailure,
): MoePlan | undefined {
  if (
    arch.moe === undefined &&
    (group.moe.ep !== undefined ||
      group.moe.redundantExperts > 0 ||
      group.moe.tp > 1 ||
      group.moe.fusedDispatchCombine === true)
  )
    fail(["moe"], `model ${arch.id} has no MoE layers; remove the moe section (use denseFfn for its FFN)`);
  if (arch.moe === undefined) return undefined;
  const { chipsPerInstance, ranksPerInstance } = ranks;
  const tp = group.moe.tp;
  const ep = group.moe.ep ?? ranksPerInstance / tp;
  if (group.moe.fusedDispatchCombine === true && ep === 1)
    fail(
      ["moe", "fusedDispatchCombine"],
      `a fused dispatch-experts-combine kernel (DeepGEMM's Mega MoE) fuses the expert-parallel all-to-all with the expert GEMMs, but MoE EP1 × TP${tp} has none to fuse (its all-gather and reduce-scatter run apart); set moe.ep above 1 or drop fusedDispatchCombine`,
    );
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
  const dedicated = arch.moe.numSharedExperts > 0 && replicas !== undefined && replicas !== ep ? replicas : 0;
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
  return {
    ep,
    tp,
    routedExperts: arch.moe.numRoutedExperts,
    redundantExperts: group.moe.redundantExperts,
    dedicatedSharedReplicas: dedicated,
    slotsPerRank: slots / ep,
    transport: group.moe.transport,
    ...(group.moe.library !== undefined ? { library: group.moe.library } : {}),
    ...(group.moe.sharedExpertStream === true ? { sharedExpertStream: true } : {}),
    ...(group.moe.fusedDispatchCombine === true ? { fusedDispatchCombine: true } : {}),
  };
}

/** Checks that a measured-skew expert imbalance names a known skew profile. */
export function checkExpertImbalance(group: InstanceGroupSpec, fail: FieldFailure): void {
  const imbalance = group.expertImbalance;
  if (typeof imbalance === "object" && imbalance.distribution === "measured-skew") {
    const known = expertLoadSkewProfiles();
    if (!known.some((p) => p.id === imbalance.profile))
      fail(
        ["expertImbalance", "profile"],
        `unknown expert-load skew profile "${imbalance.profile}". ${didYouMean(
          imbalance.profile,
          known.map((p) => p.id),
        )}`,
      );
    if (imbalance.placement === "by-index" && group.moe.redundantExperts > 0)
      fail(
        ["expertImbalance", "placement"],
        `placement by-index keeps one copy of each expert (no load balancer); got ${group.moe.redundantExperts} redundant experts: remove them or use placement eplb`,
      );
  }
}
