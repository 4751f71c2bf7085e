/**
 * A range of engine releases a data entry describes, `from` (inclusive) up to `until` (exclusive;
 * absent: every later release), as engine overlays (`engine-overlay-file.ts`) and kernel-config files
 * (`fused-moe-config-file.ts`) write it: its schema, whether it covers a release, whether two ranges
 * overlap, and the check that `until` comes after `from`. Releases order as `compareVersions` (PEP 440).
 */
import { z } from "zod";
import { compareVersions, engineReleaseSchema, type SourceDocument } from "../spec/index.ts";
import { failAt } from "./efficiency-file-read.ts";

/** `from` and the optional exclusive `until`; entries extend it with their own fields. */
export const releaseRangeSchema = z
  .object({
    from: engineReleaseSchema,
    /** The first release known to run something else: the entry stops before it. */
    until: engineReleaseSchema.optional(),
  })
  .strict();

export interface ReleaseRange {
  readonly from: string;
  readonly until?: string;
}

/**
 * Whether an entry describes `version`: from <= version < until; no version is the newest release,
 * which only an entry without `until` covers.
 * @example coversRelease({ releases: { from: "0.11.0", until: "0.12.0" } }, undefined) // false
 */
export function coversRelease(
  entry: { readonly releases: ReleaseRange },
  version: string | undefined,
): boolean {
  const { from, until } = entry.releases;
  if (version === undefined) return until === undefined;
  return compareVersions(version, from) >= 0 && (until === undefined || compareVersions(version, until) < 0);
}

/** Whether two ranges share a release. @example rangesOverlap({ from: "0.9.0", until: "0.10.0" }, { from: "0.10.0" }) // false */
export function rangesOverlap(a: ReleaseRange, b: ReleaseRange): boolean {
  const aBeforeB = a.until !== undefined && compareVersions(a.until, b.from) <= 0;
  const bBeforeA = b.until !== undefined && compareVersions(b.until, a.from) <= 0;
  return !aBeforeB && !bBeforeA;
}

/**
 * Refuses a range whose `until` is not after its `from`, at `path` (the range's own path) + "until";
 * `subject` prefixes the message (e.g. `overlay "id": `).
 */
export function checkUntilAfterFrom(
  doc: SourceDocument,
  range: ReleaseRange,
  path: ReadonlyArray<string | number>,
  subject = "",
): void {
  if (range.until !== undefined && compareVersions(range.until, range.from) <= 0)
    failAt(
      doc,
      [...path, "until"],
      `${subject}releases.until "${range.until}" is not after releases.from "${range.from}"; expected a later release (until is exclusive)`,
    );
}
