/** Why a search candidate was pruned: the scenario layer's or the step model's refusal, in short. */
import { SupernodeError } from "../spec/index.ts";

/**
 * A short reason for a candidate the scenario layer or the step model refused, and whether it
 * holds for every batch of the layout. Errors that are not refusals are rethrown.
 * @example pruneReason(error, "resolve").reason // "does not divide: attention.tp"
 */
export function pruneReason(
  error: unknown,
  stage: "resolve" | "estimate",
): { reason: string; layoutWide: boolean } {
  if (!(error instanceof SupernodeError)) throw error;
  const path = error.location.fieldPath ?? [];
  const field = path.slice(2).join(".");
  if (error.kind === "infeasible" && error.detail.includes("does not fit at full length"))
    return { reason: "KV cache overflows at full length", layoutWide: false };
  if (error.kind === "infeasible" && error.detail.includes("does not fit"))
    return { reason: "does not fit in HBM", layoutWide: false };
  if (error.kind === "infeasible")
    return {
      reason: `does not divide: ${field === "" ? error.detail.split(":")[0] : field}`,
      layoutWide: stage === "resolve" && field !== "batchPerChip",
    };
  return { reason: `invalid: ${field === "" ? error.kind : field}`, layoutWide: field !== "batchPerChip" };
}
