/**
 * Mean and percentiles of a latency sample (linear interpolation between order statistics, like
 * numpy's default). NaN entries (requests without that metric) are skipped.
 */
import type { LatencyStats } from "./simulation-result.ts";

/**
 * @example latencyStats(Float64Array.of(1, 2, 3, 4)).p50 // 2.5
 */
export function latencyStats(values: Float64Array): LatencyStats {
  let n = 0;
  const sorted = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    sorted[n++] = v;
    sum += v;
  }
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const used = sorted.subarray(0, n).sort();
  return {
    count: n,
    mean: sum / n,
    p50: quantile(used, 0.5),
    p90: quantile(used, 0.9),
    p99: quantile(used, 0.99),
    max: used[n - 1] as number,
  };
}

function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const fraction = position - below;
  return (sorted[below] as number) * (1 - fraction) + (sorted[above] as number) * fraction;
}
