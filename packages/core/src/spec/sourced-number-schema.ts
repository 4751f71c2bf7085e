/**
 * The building blocks of hardware-file schemas: ids, strict objects whose errors name the expected
 * fields, and sourced numbers `{value, source, section?, tag?, note?, alternatives?, calibratedOn?}`
 * bounded to 10⁻⁹…10⁹ of their unit. See docs/hardware-files.md.
 */
import { z } from "zod";
import { calibratedOnSchema } from "./calibrated-on.ts";
import { nearestNames } from "./suggest.ts";

/** Ids: lowercase letters, digits and `-`, starting with a letter or digit. */
const HARDWARE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const idSchema = z
  .string({ error: "expected an id (lowercase letters, digits and -)" })
  .regex(HARDWARE_ID_PATTERN, { error: "expected an id (lowercase letters, digits and -)" });

/** A strict object whose messages name what was expected and suggest the nearest known field. */
export function strict<T extends z.ZodRawShape>(shape: T, what: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "invalid_type") return `expected ${what}`;
      if (issue.code === "unrecognized_keys") {
        const key = String(issue.keys[0]);
        const near = nearestNames(key, known, 2);
        const hint = near.length > 0 ? `did you mean ${near.join(" or ")}? ` : "";
        return `unknown field "${key}" in ${what}: ${hint}expected fields: ${known.join(", ")}`;
      }
      return undefined;
    },
  });
}

export const EVIDENCE_TAGS = ["measured", "spec", "estimate", "derived", "assumption"] as const;

/** A data file's `source`: one key of its `sources:` block, or several. */
export const sourceKeysSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: "expected a source key from the file's sources: map, or a list of them",
});

type NumberKind = "positive" | "nonnegative" | "count";

/**
 * Every hardware figure lies within 10⁻⁹…10⁹ of its unit (TFLOPS, GB/s, GB, W, ns, counts): wider
 * than any chip or system, narrow enough that 1e308 GB/s or 5e-324 ns is refused at its line instead
 * of printing "∞ TB/s" or an infinite time.
 */
const HARDWARE_MIN = 1e-9;
const HARDWARE_MAX = 1e9;

function numberIn(unit: string, kind: NumberKind) {
  switch (kind) {
    case "positive": {
      const message = `expected a positive number in ${unit}, from ${HARDWARE_MIN} to ${HARDWARE_MAX}`;
      return z
        .number({ error: message })
        .min(HARDWARE_MIN, { error: message })
        .max(HARDWARE_MAX, { error: message });
    }
    case "nonnegative": {
      const message = `expected a number ≥ 0 in ${unit}, at most ${HARDWARE_MAX}`;
      return z
        .number({ error: message })
        .nonnegative({ error: message })
        .max(HARDWARE_MAX, { error: message });
    }
    case "count": {
      const message = `expected a positive whole number (${unit}), at most ${HARDWARE_MAX}`;
      return z
        .number({ error: message })
        .int({ error: message })
        .positive({ error: message })
        .max(HARDWARE_MAX, { error: message });
    }
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/**
 * A sourced number in `unit`. Accepts a bare number as shorthand for `{value}`. One schema per unit
 * and kind, built at its first use: the hardware schemas ask for the same ~25 of them 49 times at
 * module load, and a zod schema is immutable (every method returns a new one), so sharing is safe.
 * @example sourcedNumber("GB/s").parse({ value: 392, source: "p2", section: "§3.3.2" })
 */
export function sourcedNumber(unit: string, kind: NumberKind = "positive"): SourcedNumberSchema {
  const key = `${kind}|${unit}`;
  let schema = sourcedNumberSchemas.get(key);
  if (schema === undefined) {
    schema = buildSourcedNumber(unit, kind);
    sourcedNumberSchemas.set(key, schema);
  }
  return schema;
}

type SourcedNumberSchema = ReturnType<typeof buildSourcedNumber>;
const sourcedNumberSchemas = new Map<string, SourcedNumberSchema>();

function buildSourcedNumber(unit: string, kind: NumberKind) {
  const value = numberIn(unit, kind);
  const alternative = strict(
    {
      value,
      source: sourceKeysSchema.optional(),
      section: z.string().optional(),
      note: z.string().optional(),
    },
    `an alternative {value, source, note} in ${unit}`,
  );
  return z.preprocess(
    (input) => (typeof input === "number" ? { value: input } : input),
    strict(
      {
        value,
        source: sourceKeysSchema.optional(),
        section: z.string().optional(),
        tag: z.enum(EVIDENCE_TAGS, { error: `expected a tag: ${EVIDENCE_TAGS.join(", ")}` }).optional(),
        note: z.string().optional(),
        alternatives: z.array(alternative).optional(),
        calibratedOn: calibratedOnSchema.optional(),
      },
      `a number in ${unit}, or {value, source, section?, tag?, note?, alternatives?, calibratedOn?}`,
    ),
  );
}
export type SourcedNumberInput = z.output<SourcedNumberSchema>;
