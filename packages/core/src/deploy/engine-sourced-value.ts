/**
 * The sourced values of a serving-engine data file (data/engines/<name>.yaml): a number with its
 * source key, evidence tag, note and — where it was set by looking at a published result — the
 * reference records it was set from (`calibratedOn`).
 */
import { z } from "zod";
import { calibratedOnSchema, EVIDENCE_TAGS } from "../spec/index.ts";

/** The evidence tag of a recorded value (measured, derived, spec, assumption …). */
export const tag = z.enum(EVIDENCE_TAGS);

/**
 * A sourced non-negative number of a release (`extra` fields after the value), with the reference
 * records it was set from when it was set by looking at one (`calibratedOn`).
 * @example sourcedValue().parse({ value: 832, source: "issue-9404", tag: "measured" }).value // 832
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
