/**
 * The shape of a sourced value whose source is named from the file's `sources:` block (data/fabric,
 * data/efficiency, …), rather than written out inline (inline-sourced-value.ts): the source key(s),
 * the evidence tag and a note, and for a value `calibratedOn` (the shared rule of spec/calibrated-on.ts).
 */
import { z } from "zod";
import { calibratedOnSchema } from "./calibrated-on.ts";
import { SupernodeError } from "./errors.ts";
import { EVIDENCE_TAGS, sourceKeysSchema } from "./sourced-number-schema.ts";

/** `{ source, tag, note? }`: spread into a schema whose entry is sourced as a whole. */
export const keyedSourceFields = {
  source: sourceKeysSchema,
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
};

/** A file's `sources:` block: each key a `{ title, url, section? }` its values name. */
export const sourcesBlockSchema = z.record(
  z.string(),
  z.strictObject({ title: z.string(), url: z.string().url(), section: z.string().optional() }),
);

/**
 * `{ value, source, tag, note?, calibratedOn? }` with `value` checked by `number`.
 * @example keyedSourcedValueSchema(z.number().positive()).parse({ value: 3, source: "a", tag: "measured" })
 */
export function keyedSourcedValueSchema<N extends z.ZodType<number>>(number: N) {
  return z.strictObject({ value: number, ...keyedSourceFields, calibratedOn: calibratedOnSchema.optional() });
}

/**
 * A check that every source key a value names is defined in the file's `sources:` block, throwing a
 * clear error at the value's field path otherwise.
 * @example sourceKeyCheck({ a: {} }, "f.yaml")("b", ["x"]) // throws: unknown source key "b" at x.source
 */
export function sourceKeyCheck(
  sources: Readonly<Record<string, unknown>>,
  fileName: string,
): (keys: string | readonly string[], path: (string | number)[]) => void {
  return (keys, path) => {
    for (const key of typeof keys === "string" ? [keys] : keys)
      if (sources[key] === undefined)
        throw new SupernodeError("invalid-value", `unknown source key "${key}"`, {
          file: fileName,
          fieldPath: [...path, "source"],
        });
  };
}
