import { z } from "zod";

/**
 * What a reference record says it is (docs/validation.md): `prediction`, the model predicts the
 * published figure from the record's conditions; `consistency`, the comparison reproduces by
 * construction (the model's value is the figure itself). Whether a prediction is evidence or
 * calibration is derived from the data's `calibratedOn`, never written on the record.
 */
export const REFERENCE_ROLES = ["prediction", "consistency"] as const;
export type ReferenceRole = (typeof REFERENCE_ROLES)[number];
export const referenceRoleSchema = z.enum(REFERENCE_ROLES, {
  error: "expected role: prediction or consistency (no default: say what the record is)",
});

/**
 * A model prediction set against one published measurement (a record of
 * `shared/references/calibration.json`): what the operator, fabric and end-to-end reference cases
 * have in common, and what the validation report reads.
 * @example const c: ReferenceComparison = { id: "x", description: "", predicted: 1.1, published: 1, unit: "ms", source: "https://…" };
 */
export interface ReferenceComparison<Unit extends string = string> {
  /** Calibration record id. */
  readonly id: string;
  readonly description: string;
  readonly predicted: number;
  readonly published: number;
  readonly unit: Unit;
  /** Where the published number is (URL + table/section). */
  readonly source: string;
  /** What the record says it is. */
  readonly role: ReferenceRole;
  /** Id of the case this one is the same measurement as (another unit, or a range counted per point). */
  readonly duplicateOf?: string;
}
