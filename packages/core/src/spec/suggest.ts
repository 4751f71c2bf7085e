/**
 * "Did you mean …?" for unknown ids: the names nearest to what the user typed, by edit distance
 * (case-insensitive, ignoring `-`, `_`, spaces and dots), with names that contain the typed text
 * (or are contained in it) ranked first.
 */

/** Case- and punctuation-insensitive form used for matching: `GB200_NVL72` → `gb200nvl72`. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, "");
}

/** Levenshtein distance (insert, delete, substitute each cost 1). @example editDistance("kitten", "sitting") === 3 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/**
 * The names nearest to `wanted`, best first, at most `max` (default 3). Names whose distance is
 * more than about half their length are dropped unless one contains the other, so nonsense input
 * gets no suggestions rather than random ones.
 * @example nearestNames("cloudmatrix", ["cloudmatrix384", "gb200-nvl72"]) // ["cloudmatrix384"]
 */
export function nearestNames(wanted: string, names: readonly string[], max = 3): string[] {
  const w = normalize(wanted);
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of names) {
    const n = normalize(name);
    const contains = w.length >= 2 && (n.includes(w) || w.includes(n));
    const distance = editDistance(w, n);
    const limit = Math.max(2, Math.ceil(Math.max(w.length, n.length) / 2));
    if (!contains && distance > limit) continue;
    // Containment beats any edit distance; ties break by distance, then alphabetically.
    scored.push({ name, score: (contains ? 0 : 1000) + distance });
  }
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, Math.max(0, max)).map((s) => s.name);
}

/**
 * A sentence suggesting the nearest names, or listing what exists when nothing is near.
 * @example didYouMean("h10", ["h100-sxm", "h200-sxm"]) // "Did you mean h100-sxm, h200-sxm?"
 */
export function didYouMean(wanted: string, names: readonly string[], max = 3): string {
  const near = nearestNames(wanted, names, max);
  if (near.length > 0) return `Did you mean ${near.join(", ")}?`;
  const sorted = [...names].sort();
  return sorted.length > 0 ? `Known ids: ${sorted.join(", ")}.` : "Nothing is defined yet.";
}
