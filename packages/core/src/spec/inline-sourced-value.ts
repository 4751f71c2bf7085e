/**
 * The shape of a sourced number whose source is written out inline (data/training/*.yaml,
 * data/power/sustained-clocks.yaml), rather than named from a `sources:` block: the value, its
 * evidence tag, the source written out inline (title, URL, section), a note and, when it was set
 * by looking at a published result, `calibratedOn` (the shared rule of spec/calibrated-on.ts).
 */
import { z } from "zod";
import { calibratedOnSchema } from "./calibrated-on.ts";
import { EVIDENCE_TAGS } from "./sourced-number-schema.ts";

/** A source written out in the data file: title, URL and the section read. */
export const inlineSourceSchema = z.strictObject({
  title: z.string(),
  url: z.string(),
  section: z.string().optional(),
});

/**
 * `{ value, tag, source?, note?, calibratedOn? }` with `value` checked by `number`.
 * @example inlineSourcedValueSchema(z.number().positive()).parse({ value: 3, tag: "assumption" })
 */
export function inlineSourcedValueSchema<N extends z.ZodType<number>>(number: N) {
  return z.strictObject({
    value: number,
    tag: z.enum(EVIDENCE_TAGS),
    source: inlineSourceSchema.optional(),
    note: z.string().optional(),
    calibratedOn: calibratedOnSchema.optional(),
  });
}
