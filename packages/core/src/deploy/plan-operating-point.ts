/**
 * The operating point of one instance group: decode needs batchPerChip and kvLength, prefill needs
 * tokensPerChip and promptLength, and the sequences of an instance must divide over attention DP.
 */
import type { InstanceGroupSpec } from "../spec/index.ts";
import type { InstanceRanks } from "./plan-parallel.ts";
import type { FieldFailure, InstanceRole } from "./plan-types.ts";

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
  const dp = ranksPerInstance / group.attention.tp;
  if (group.batchPerChip !== undefined && !Number.isInteger(group.batchPerChip * chipsPerInstance)) {
    fail(
      ["batchPerChip"],
      `${group.batchPerChip} sequences per chip × ${chipsPerInstance} chips is not a whole number of sequences per instance`,
    );
  }
  if (group.batchPerChip !== undefined && (group.batchPerChip * chipsPerInstance) % dp !== 0) {
    const total = group.batchPerChip * chipsPerInstance;
    fail(
      ["batchPerChip"],
      `${total} sequences per instance (${group.batchPerChip} per chip × ${chipsPerInstance}) do not divide over attention DP${dp}: ${total % dp} left over`,
    );
  }
}
