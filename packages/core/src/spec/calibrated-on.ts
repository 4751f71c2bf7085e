/**
 * `calibratedOn`: the published reference records a data value was set or chosen from. Every data
 * file that holds sourced values accepts it beside `value`/`source`/`tag`/`note`; scenarios list
 * their calibrated choices under `calibration:`. A reference case that any value names here is
 * labelled `calibration` by `supernode validate`, never `evidence` (docs/validation.md). Ids are
 * reference case ids (`cm384-017`, `deepep-ll-v1-feb:EP8:dispatch`) or a multi-part record's id
 * (`nccl-h100-nvls-ar`, naming all its parts).
 */
import { z } from "zod";

/** The ids, at least one; duplicates are an error. */
export const calibratedOnSchema = z
  .array(z.string().min(1, "a reference case id"))
  .min(1, "list the reference case ids this value was set from, or leave calibratedOn out")
  .refine((ids) => new Set(ids).size === ids.length, "calibratedOn lists an id twice");

/** One calibrated choice in a scenario: which field, set from which records, and why. */
export const scenarioCalibrationSchema = z.strictObject({
  /** Dotted path of the scenario field (e.g. `deployment.decode.expertImbalance`). */
  field: z.string().min(1),
  calibratedOn: calibratedOnSchema,
  note: z.string().optional(),
});
