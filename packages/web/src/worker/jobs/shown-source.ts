import type { Sourced } from "@supernode/core";

export interface ShownSourceRef {
  readonly title: string;
  readonly url: string;
  readonly section?: string;
}

/** Provenance of a figure as the page shows it. */
export interface ShownSource {
  readonly tag?: string;
  readonly note?: string;
  readonly sources: readonly ShownSourceRef[];
}

/**
 * The provenance of a sourced value as the page shows it on hover: tag, note, sources, and the
 * alternatives that were not used.
 * @example toShownSource(chip.memory.capacityBytes).sources[0].title
 */
export function toShownSource(value: Sourced<unknown>, format?: (v: number) => string): ShownSource {
  const alternatives = (value.alternatives ?? [])
    .map((a) => {
      const shown = typeof a.value === "number" && format !== undefined ? format(a.value) : String(a.value);
      return `${shown}${a.note === undefined ? "" : ` (${a.note})`}`;
    })
    .join("; ");
  const note = [value.note, alternatives === "" ? undefined : `Alternatives not used: ${alternatives}`]
    .filter((x) => x !== undefined && x !== "")
    .join(" — ");
  return {
    tag: value.tag,
    ...(note === "" ? {} : { note }),
    sources: value.sources.map((s) => ({
      title: s.title,
      url: s.url,
      ...(s.section === undefined ? {} : { section: s.section }),
    })),
  };
}
