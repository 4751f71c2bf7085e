/**
 * An engine release as scenarios, operator records and the engines' data files name it ("0.11.1",
 * "1.3.0rc20", "0.5.6.post2", "2025.06"): dotted numbers, then optional letter-and-number parts. The
 * order is `compareVersions`'s (PEP 440: "1.3.0rc5" < "1.3.0rc20" < "1.3.0" < "1.3.0.post1"); a string
 * it cannot order (a stray quote, a leading "v", a suffix PEP 440 does not know) is refused.
 */
import { valid } from "@renovatebot/pep440";
import { z } from "zod";

const RELEASE_EXPECTED =
  'expected a release such as "0.11.1" or "1.3.0rc20" (numbers and dots, then an optional PEP 440 suffix: rc20, .post2, .dev1)';

/** @example engineReleaseSchema.parse("1.3.0rc20") // "1.3.0rc20" */
export const engineReleaseSchema = z
  .string()
  .regex(/^\d+(\.\d+)*([.-]?[a-z]+\d*)*$/, { error: RELEASE_EXPECTED })
  .refine((release) => valid(release) !== null, { error: RELEASE_EXPECTED });
