/**
 * Provenance. Every hardware or calibration value in the catalog carries where it comes from.
 * A `Sourced<T>` holds the value used, its source(s), an evidence tag and, where sources
 * disagree, the alternatives that were not used.
 */

/** A citable source: a URL plus the table or section read. */
export interface SourceRef {
  /** Short key, unique within its data file (e.g. `cm384-paper-v2`). */
  readonly key: string;
  readonly title: string;
  readonly url: string;
  /** Table, section or figure within the source (e.g. "Table 1, §3.2"). */
  readonly section?: string;
}

/**
 * Evidence tag, following ../shared/references/hardware.md:
 * measured, spec (vendor/paper specification), estimate (third party), derived (computed from
 * other sourced values), assumption (a modelling assumption, e.g. from a vendor tool or our default).
 */
export type EvidenceTag = "measured" | "spec" | "estimate" | "derived" | "assumption";

export interface Alternative<T> {
  readonly value: T;
  readonly sources: readonly SourceRef[];
  readonly note?: string;
}

export interface Sourced<T> {
  readonly value: T;
  readonly sources: readonly SourceRef[];
  readonly tag: EvidenceTag;
  /** Why this value, how it was derived, or what to watch. */
  readonly note?: string;
  /** Values from other sources that were not used, with why. */
  readonly alternatives?: readonly Alternative<T>[];
  /**
   * Reference case ids this value was set or chosen from (docs/validation.md): those cases are
   * calibration in `supernode validate`, not evidence.
   */
  readonly calibratedOn?: readonly string[];
}

/** A value computed from other sourced values: its sources are theirs, its tag `derived`. */
export function derived<T>(value: T, note: string, ...inputs: ReadonlyArray<Sourced<unknown>>): Sourced<T> {
  const seen = new Set<string>();
  const sources: SourceRef[] = [];
  for (const input of inputs) {
    for (const source of input.sources) {
      const id = `${source.url}#${source.section ?? ""}`;
      if (!seen.has(id)) {
        seen.add(id);
        sources.push(source);
      }
    }
  }
  return { value, sources, tag: "derived", note };
}
