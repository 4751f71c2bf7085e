/**
 * Numbered source footnotes for terminal output: `cite(sources)` returns "[1,3]" and remembers
 * each distinct source (URL + section) once; `footnotes()` lists them.
 */
import type { SourceRef } from "@supernode/core";

export class SourceNotes {
  private readonly index = new Map<string, number>();
  private readonly refs: SourceRef[] = [];

  /** @example notes.cite(value.sources) // "[1,2]" ("" when there are none) */
  cite(sources: readonly SourceRef[]): string {
    const numbers = new Set<number>();
    for (const ref of sources) {
      const id = `${ref.url}#${ref.section ?? ""}`;
      let n = this.index.get(id);
      if (n === undefined) {
        this.refs.push(ref);
        n = this.refs.length;
        this.index.set(id, n);
      }
      numbers.add(n);
    }
    return numbers.size === 0 ? "" : `[${[...numbers].sort((a, b) => a - b).join(",")}]`;
  }

  /** `[n] title, section — url` per cited source. */
  footnotes(): string[] {
    return this.refs.map(
      (ref, i) =>
        `[${i + 1}] ${ref.title}${ref.section === undefined ? "" : `, ${ref.section}`} — ${ref.url}`,
    );
  }
}
