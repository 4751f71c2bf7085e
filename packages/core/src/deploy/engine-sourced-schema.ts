/**
 * The sourced fields of a serving-engine data file (data/engines/<name>.yaml): a number or a choice
 * with its source key, evidence tag and note (engine-file.ts, engine-host-time-schema.ts).
 */
import { z } from "zod";
import { calibratedOnSchema, EVIDENCE_TAGS } from "../spec/index.ts";

/** An evidence tag (measured, derived, spec, estimate, …). */
export const tag = z.enum(EVIDENCE_TAGS);
/**
 * A sourced non-negative number of a release (`extra` fields after the value), with the reference
 * records it was set from when it was set by looking at one (`calibratedOn`).
 */
export const sourcedValue = <Extra extends z.ZodRawShape = Record<never, never>>(extra?: Extra) =>
  z.strictObject({
    value: z.number().nonnegative(),
    ...(extra as Extra),
    source: z.string(),
    tag,
    note: z.string().optional(),
    calibratedOn: calibratedOnSchema.optional(),
  });
/** A release's recorded choice among `values` (a default the scenario may override), with its source. */
export const sourcedChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.strictObject({ value: z.enum(values), source: z.string(), tag, note: z.string().optional() });
