/**
 * Numbered source footnotes for terminal output: `cite(sources)` returns "[1,3]", one number per
 * distinct URL; `footnotes()` lists each source once with every section cited from it.
 */
import type { SourceRef } from "@supernode/core";

export class SourceNotes {
  private readonly index = new Map<string, number>();
  private readonly entries: Array<{ ref: SourceRef; sections: string[] }> = [];

  /** @example notes.cite(value.sources) // "[1,2]" ("" when there are none) */
  cite(sources: readonly SourceRef[]): string {
    const numbers = new Set<number>();
    for (const ref of sources) {
      let n = this.index.get(ref.url);
      if (n === undefined) {
        this.entries.push({ ref, sections: [] });
        n = this.entries.length;
        this.index.set(ref.url, n);
      }
      const entry = this.entries[n - 1];
      if (ref.section !== undefined && entry !== undefined && !entry.sections.includes(ref.section))
        entry.sections.push(ref.section);
      numbers.add(n);
    }
    return numbers.size === 0 ? "" : `[${[...numbers].sort((a, b) => a - b).join(",")}]`;
  }

  /** `[n] title (sections cited) — url` per cited source. */
  footnotes(): string[] {
    return this.entries.map(
      ({ ref, sections }, i) =>
        `[${i + 1}] ${ref.title}${sections.length === 0 ? "" : ` (${sections.join("; ")})`} — ${ref.url}`,
    );
  }
}
