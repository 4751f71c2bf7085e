/**
 * The schema shared by the files of reference cases that run a reference scenario and compare one
 * figure with a published one (data/references/end-to-end.yaml, data/references/training.yaml):
 * the case's id, scenario, metric, published value and unit, description, source, role and the
 * case it duplicates. Each file adds its own metrics (and fields, e.g. `overrides`).
 */
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
 * A reference-case schema over `metric`, with `extra` fields after `scenario`.
 * @example referenceCaseSchema(z.enum(["tpot-ms"]), { overrides: z.array(z.string()).default([]) })
 */
export function referenceCaseSchema<
  Metric extends z.ZodType,
  Extra extends z.ZodRawShape = Record<never, never>,
>(metric: Metric, extra?: Extra) {
  return z.strictObject({
    id: z.string().min(1),
    scenario: z.string().min(1),
    ...(extra as Extra),
    metric,
    published: z.number().positive(),
    unit: z.string().min(1),
    description: z.string().min(1),
    source: z.string().min(1),
    role: referenceRoleSchema,
    duplicateOf: z.string().min(1).optional(),
    /**
     * `lower`: the published figure is a lower bound on the quantity the metric computes, not a
     * point measurement (an MLPerf Server run offered at a rate its submitter chose under both latency
     * limits: the highest passing rate is at least that). The check is prediction ≥ published; the
     * case is labelled `bound` and kept out of every error median (docs/validation.md).
     */
    bound: z
      .enum(["lower"], { error: "expected bound: lower (the published figure is a lower bound)" })
      .optional(),
    /** Free text: how the case was set up, and the model's prediction written down before any change that looked at it. */
    note: z.string().optional(),
  });
}
