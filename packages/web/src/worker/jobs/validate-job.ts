/**
 * The Validate view's data: core's `validate()` report — the same cases and numbers as
 * `supernode validate` (prediction, published value, relative error, source; summaries by kind).
 */
import { type ValidationReport, validate } from "@supernode/core";

/** @example validateJob().summary.byKind["end-to-end"].medianAbsRelError */
export function validateJob(): ValidationReport {
  return validate();
}
