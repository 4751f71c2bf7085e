/**
 * An engine release as scenarios, operator records and the engines' data files name it ("0.11.1",
 * "1.3.0rc20", "0.5.6.post2", "2025.06"): dotted numbers, then optional letter-and-number parts. The
 * order is `compareVersions`'s; a string it cannot order (a stray quote, a leading "v") is refused.
 */
import { z } from "zod";

/** @example engineReleaseSchema.parse("1.3.0rc20") // "1.3.0rc20" */
export const engineReleaseSchema = z.string().regex(/^\d+(\.\d+)*([.-]?[a-z]+\d*)*$/, {
  error:
    'expected a release such as "0.11.1" or "1.3.0rc20" (numbers and dots, then an optional suffix like rc20)',
});
