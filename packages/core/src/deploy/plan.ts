/**
 * The deployment plan of one instance group: ranks, parallel degrees per layer type, expert
 * placement, microbatch overlap and MTP, checked for divisibility. Built once when a scenario is
 * parsed; read-only afterwards. A plan that does not divide fails with a `SupernodeError` naming
 * the field, the numbers and by how much they miss. Each step lives in its own file: ranks and
 * dense parallelism (plan-parallel.ts), experts (plan-moe.ts), overlap and MTP
 * (plan-decode-features.ts), the operating point (plan-operating-point.ts); the plan's types are
 * in plan-types.ts and located failures in plan-failure.ts.
 */
import type { Chip } from "../hardware/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import type { InstanceGroupSpec } from "../spec/index.ts";
import { planOffload } from "./offload-plan.ts";
import { planPipelinedGroup } from "./pipeline-plan.ts";
import { planMtp, planOverlap } from "./plan-decode-features.ts";
import { checkExpertImbalance, planMoe } from "./plan-moe.ts";
import { checkOperatingPoint } from "./plan-operating-point.ts";
import { checkDenseParallel, planInstanceRanks } from "./plan-parallel.ts";
import type { FieldFailure, InstancePlan, InstanceRole } from "./plan-types.ts";

export { infeasible } from "./plan-failure.ts";
export type {
  FieldFailure,
  InstanceLocation,
  InstancePlan,
  InstanceRole,
  MoePlan,
  MtpPlan,
} from "./plan-types.ts";
export type { Precision } from "./precision.ts";

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
  const ranks = planInstanceRanks(group, chip, ranksPerChip, fail);
  const { chipsPerInstance, ranksPerInstance } = ranks;
  checkDenseParallel(group, arch, ranksPerInstance, fail);
  const moe = planMoe(group, arch, ranks, ranksPerChip, fail);
  checkExpertImbalance(group, fail);
  const overlap = planOverlap(role, group, chip, fail);
  if (group.moe.sharedExpertStream === true && overlap !== undefined)
    fail(
      ["moe", "sharedExpertStream"],
      "a shared-expert stream runs beside the routed path of one batch: with microbatch overlap the stream profile places the shared expert (set microbatchOverlap: false or drop sharedExpertStream)",
    );
  if (
    group.moe.fusedDispatchCombine === true &&
    (overlap !== undefined || group.moe.sharedExpertStream === true)
  )
    fail(
      ["moe", "fusedDispatchCombine"],
      "a fused dispatch-experts-combine kernel overlaps its own transfers: not with microbatch overlap or a shared-expert stream (set microbatchOverlap: false and drop sharedExpertStream, or drop fusedDispatchCombine)",
    );
  const mtp = planMtp(role, group, arch, fail);
  checkOperatingPoint(role, group, ranks, fail);

  const attentionTp = group.attention.tp;
  const denseTp = group.denseFfn.tp;
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
    ...(group.lmHead !== undefined ? { lmHead: group.lmHead } : {}),
    expertImbalance: group.expertImbalance,
    ...(overlap !== undefined ? { overlap } : {}),
    ...(mtp !== undefined ? { mtp } : {}),
    ...(group.batchPerChip !== undefined ? { batchPerChip: group.batchPerChip } : {}),
    ...(group.requestsInFlight !== undefined ? { requestsInFlight: group.requestsInFlight } : {}),
    ...(group.kvLength !== undefined ? { kvLength: group.kvLength } : {}),
    ...(group.tokensPerChip !== undefined ? { tokensPerChip: group.tokensPerChip } : {}),
    ...(group.promptLength !== undefined ? { promptLength: group.promptLength } : {}),
    ...(group.maxBatchTokens !== undefined ? { maxBatchTokens: group.maxBatchTokens } : {}),
    ...(group.offload !== undefined ? { offload: planOffload(group.offload, chip, fail) } : {}),
  };
}
