/**
 * The Pareto frontier of throughput per chip against interactivity (tokens/s per user): the
 * points no other point beats on both at once. Every evaluated point of a search is a candidate,
 * SLO or not — the frontier is the whole trade-off curve.
 */

/** What the frontier compares: both are "more is better". */
export interface FrontierInput {
  readonly tokensPerSPerChip: number;
  readonly tokensPerSPerUser: number;
}

/**
 * The non-dominated points, sorted by tokens/s per user (ascending, so tokens/s per chip falls
 * along the list). Of points equal on both figures, the first is kept.
 * @example paretoFrontier([{ tokensPerSPerChip: 2, tokensPerSPerUser: 1 }, { tokensPerSPerChip: 1, tokensPerSPerUser: 1 }]).length // 1
 */
export function paretoFrontier<T extends FrontierInput>(points: readonly T[]): T[] {
  const sorted = [...points].sort(
    (a, b) => b.tokensPerSPerUser - a.tokensPerSPerUser || b.tokensPerSPerChip - a.tokensPerSPerChip,
  );
  const out: T[] = [];
  let bestChip = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    if (!(p.tokensPerSPerChip > bestChip)) continue;
    out.push(p);
    bestChip = p.tokensPerSPerChip;
  }
  return out.reverse();
}

/**
 * Tokens/s per chip of a frontier at an interactivity: the best point at least that interactive.
 * @example throughputAt(frontier, 20) // tokens/s per chip at ≥ 20 tokens/s per user
 */
export function throughputAt(
  frontier: readonly FrontierInput[],
  tokensPerSPerUser: number,
): number | undefined {
  let best: number | undefined;
  for (const p of frontier)
    if (p.tokensPerSPerUser >= tokensPerSPerUser && (best === undefined || p.tokensPerSPerChip > best))
      best = p.tokensPerSPerChip;
  return best;
}
