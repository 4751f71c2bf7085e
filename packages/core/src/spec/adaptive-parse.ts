/**
 * zod compiles an object schema into a specialised parser (`new Function`) the first time it
 * parses. That pays back over many parses (a sweep, the fuzz harness, the UI server) but costs
 * more than it saves in a one-shot command: about 45 ms of CPU, a tenth of a cold
 * `supernode estimate`. A schema here parses interpreted (zod's `jitless`, same result and same
 * issues) for its first uses and compiled from then on.
 */
import type { z } from "zod";

/** Parses of one schema before zod may compile it. */
export const INTERPRETED_PARSES = 16;

const parses = new WeakMap<z.ZodType, number>();

/**
 * `schema.safeParse(data)`, interpreted for the schema's first INTERPRETED_PARSES uses.
 * @example safeParseAdaptive(servingSchema, {}).success // true
 */
export function safeParseAdaptive<S extends z.ZodType>(
  schema: S,
  data: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  const count = (parses.get(schema) ?? 0) + 1;
  parses.set(schema, count);
  return schema.safeParse(data, count <= INTERPRETED_PARSES ? { jitless: true } : undefined);
}

/** `schema.parse(data)` with the same rule: returns the data or throws zod's error. */
export function parseAdaptive<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = safeParseAdaptive(schema, data);
  if (result.success) return result.data;
  throw result.error;
}
