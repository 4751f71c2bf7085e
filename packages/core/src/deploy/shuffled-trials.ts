/**
 * The trial loop the placement-by-popularity models share (index-placement.ts, eplb-hierarchical.ts):
 * which experts are popular is not tied to their index, so the expected loads are dealt to the expert
 * indices in `trials` random orders (Fisher–Yates) from a fixed-seed generator, the same answer on
 * every run. Uniform draws in [0, 1), 32 bits each, from pure-rand's xoroshiro128+ (as the serving
 * simulator's `Rng.uniform32`).
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

const SEED = 0x5eed;

/**
 * Call `visit` with `trials` random orders of `loads` (one array, reshuffled in place each trial).
 * @example let n = 0; forEachShuffle([1, 2, 3], 4, () => n++); n === 4
 */
export function forEachShuffle(
  loads: readonly number[],
  trials: number,
  visit: (order: readonly number[]) => void,
): void {
  const g = xoroshiro128plus(SEED);
  const next = () => (g.next() >>> 0) * 2 ** -32;
  const order = Array.from(loads);
  for (let t = 0; t < trials; t++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const tmp = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = tmp;
    }
    visit(order);
  }
}

/** Expected loads of the ranks, hottest first, and the hottest ÷ the mean. */
export interface SortedRankLoads {
  /** Expected load share of the i-th most loaded rank (sums to the total load given). */
  readonly rankLoads: readonly number[];
  /** Expected hottest rank's load ÷ the mean over ranks (≥ 1). */
  readonly maxOverMean: number;
}

/**
 * The `ranks` ranks' loads of each random order (`rankLoadsOf`, sorted here in place), sorted
 * hottest first and averaged over the trials: the first entry is E[max over ranks].
 * @example meanSortedRankLoads([1, 1], 3, 2, (o) => [...o]).maxOverMean === 1
 */
export function meanSortedRankLoads(
  loads: readonly number[],
  trials: number,
  ranks: number,
  rankLoadsOf: (order: readonly number[]) => number[],
): SortedRankLoads {
  const rankLoads = new Array<number>(ranks).fill(0);
  forEachShuffle(loads, trials, (order) => {
    const trial = rankLoadsOf(order).sort((a, b) => b - a);
    for (let k = 0; k < ranks; k++) rankLoads[k] = (rankLoads[k] ?? 0) + (trial[k] ?? 0) / trials;
  });
  const total = rankLoads.reduce((a, b) => a + b, 0);
  return {
    rankLoads,
    maxOverMean: total > 0 ? Math.max(1, ((rankLoads[0] ?? 0) * ranks) / total) : 1,
  };
}
