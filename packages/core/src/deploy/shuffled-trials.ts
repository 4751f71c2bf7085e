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
