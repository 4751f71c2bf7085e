/**
 * Latency statistics of a run, accumulated one request at a time in bounded memory: count, exact
 * mean and maximum, and percentiles from a DDSketch (Masson, Rim & Lee, "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019; the
 * `@datadog/sketches-js` implementation). Every percentile it reports is within
 * ±PERCENTILE_RELATIVE_ERROR (relative) of the sample's exact quantile; the sketch keeps one
 * counter per (1 + α)/(1 − α) ratio of values, a few thousand at most, whatever the number of
 * requests, and sketches of separate runs merge exactly.
 */
import { DDSketch } from "@datadog/sketches-js";
import type { LatencyStats } from "./simulation-result.ts";

/** α: the relative accuracy of every reported percentile (0.1 %). */
export const PERCENTILE_RELATIVE_ERROR = 0.001;

export class LatencySketch {
  private readonly sketch = new DDSketch({ relativeAccuracy: PERCENTILE_RELATIVE_ERROR });
  private count = 0;
  private sum = 0;
  private max = 0;

  /**
   * Adds one value (seconds, ≥ 0), or `weight` equal values at once (a decode step gives every
   * sequence in it the same interval); NaN (a request without this metric) is skipped.
   */
  add(value: number, weight = 1): void {
    if (Number.isNaN(value) || weight <= 0) return;
    this.count += weight;
    this.sum += value * weight;
    if (value > this.max) this.max = value;
    this.sketch.accept(value, weight);
  }

  /** Merges another sketch of the same metric into this one (exact, order-independent counts). */
  merge(other: LatencySketch): void {
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    this.sketch.merge(other.sketch);
  }

  /** @example const s = new LatencySketch(); for (const v of [1, 2, 3, 4]) s.add(v); s.stats().p50 // 2 (±0.1 %) */
  stats(): LatencyStats {
    const base = { percentileRelativeError: PERCENTILE_RELATIVE_ERROR };
    if (this.count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, ...base };
    const at = (q: number) => Math.min(this.max, this.sketch.getValueAtQuantile(q));
    return {
      count: this.count,
      mean: this.sum / this.count,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: this.max,
      ...base,
    };
  }
}
