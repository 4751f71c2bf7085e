import type { ReferenceRole } from "../spec/index.ts";

export { type ReferenceRole, referenceRoleSchema } from "../spec/index.ts";

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
  /** `lower`: the published figure is a lower bound on what the metric computes (check: predicted ≥ published). */
  readonly bound?: "lower";
}
