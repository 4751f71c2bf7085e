/**
 * The operating point of one instance group: decode needs batchPerChip and kvLength, prefill needs
 * tokensPerChip and promptLength, and the sequences of an instance must divide over attention DP.
 */
import type { InstanceGroupSpec } from "../spec/index.ts";
import type { InstanceRanks } from "./plan-parallel.ts";
import type { FieldFailure, InstancePlan, InstanceRole } from "./plan-types.ts";

/** How far a product of a fractional batch and a chip count may sit from its whole number (floating point). */
const WHOLE_TOLERANCE = 1e-9;

/** The nearest whole number when `x` is one up to rounding, else undefined. */
function wholeOf(x: number): number | undefined {
  const whole = Math.round(x);
  return Math.abs(x - whole) <= WHOLE_TOLERANCE * Math.max(1, whole) ? whole : undefined;
}

/**
 * Sequences of one instance at its decode operating point (batchPerChip × chips), as the whole number
 * it is: a fractional batchPerChip (0.07 × 100 chips) multiplies to 7.000000000000001 in floating point.
 * @example decodeSequences({ batchPerChip: 0.07, chipsPerInstance: 100 }) // 7
 */
export function decodeSequences(plan: Pick<InstancePlan, "batchPerChip" | "chipsPerInstance">): number {
  const product = (plan.batchPerChip ?? 0) * plan.chipsPerInstance;
  return wholeOf(product) ?? product;
}

/** Fails when a field the role needs is missing or the batch does not divide over attention DP. */
export function checkOperatingPoint(
  role: InstanceRole,
  group: InstanceGroupSpec,
  ranks: InstanceRanks,
  fail: FieldFailure,
): void {
  const { chipsPerInstance, ranksPerInstance } = ranks;
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
  if (role === "prefill" && group.requestsInFlight !== undefined)
    fail(
      ["requestsInFlight"],
      "requestsInFlight places decode requests on DP ranks; a prefill group takes tokensPerChip",
    );
  if (role === "colocated" && group.maxBatchTokens !== undefined)
    fail(
      ["maxBatchTokens"],
      "a colocated group's token budget per iteration is serving.scheduler.maxBatchTokens; a group's own maxBatchTokens is for a prefill or decode pool",
    );
  if (role === "decode" && group.maxBatchTokens !== undefined) {
    const drafts = group.mtp?.draftTokens ?? group.speculative?.draftTokens ?? 0;
    if (group.maxBatchTokens < 1 + drafts)
      fail(
        ["maxBatchTokens"],
        `${group.maxBatchTokens} tokens per iteration cannot advance one decoding sequence, which takes ${1 + drafts} (1 + ${drafts} draft tokens)`,
      );
    const sequences = decodeSequences({ batchPerChip: group.batchPerChip, chipsPerInstance });
    const most = Math.floor(group.maxBatchTokens / (1 + drafts));
    if (group.batchPerChip !== undefined && sequences > most)
      fail(
        ["batchPerChip"],
        `${sequences} sequences per instance (${group.batchPerChip} per chip × ${chipsPerInstance}) take ${sequences * (1 + drafts)} tokens per step, above the pool's maxBatchTokens ${group.maxBatchTokens}: at most ${most} sequences per instance`,
      );
  }
  const dp = ranksPerInstance / group.attention.tp;
  if (group.batchPerChip === undefined) return;
  const total = wholeOf(group.batchPerChip * chipsPerInstance);
  if (total === undefined)
    fail(
      ["batchPerChip"],
      `${group.batchPerChip} sequences per chip × ${chipsPerInstance} chips is not a whole number of sequences per instance`,
    );
  else if (total % dp !== 0)
    fail(
      ["batchPerChip"],
      `${total} sequences per instance (${group.batchPerChip} per chip × ${chipsPerInstance}) do not divide over attention DP${dp}: ${total % dp} left over`,
    );
}
