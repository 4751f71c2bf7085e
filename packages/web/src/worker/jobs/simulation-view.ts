/**
 * Reduces a `SimulationResult` to what the Simulate view draws: headline metrics, TTFT and TPOT
 * histograms, output throughput and queue lengths over time, SLO attainment. Computed in the
 * worker so that only a few kilobytes cross to the page whatever the number of requests.
 */
import type { LatencyStats, SimulationResult } from "@supernode/core";

export interface Histogram {
  /** Bin lower edges in seconds, plus the last upper edge. */
  readonly edgesS: readonly number[];
  readonly counts: readonly number[];
}

export interface SimulationView {
  readonly requests: { readonly arrived: number; readonly completed: number; readonly dropped: number };
  readonly droppedByReason: readonly { readonly reason: string; readonly count: number }[];
  readonly simulatedS: number;
  readonly ttftS: LatencyStats;
  readonly tpotS: LatencyStats;
  readonly e2eS: LatencyStats;
  readonly throughput: SimulationResult["summary"]["throughput"];
  readonly slo: SimulationResult["summary"]["slo"];
  readonly prefixHitRate: number;
  readonly ttftHistogram: Histogram;
  readonly tpotHistogram: Histogram;
  /** Output tokens/s of the requests completed in each of 60 equal bins of the run (bin centres). */
  readonly throughputSeries: {
    readonly timeS: readonly number[];
    readonly outputTokensPerS: readonly number[];
  };
  /** Queue lengths sampled by the engine. */
  readonly series: {
    readonly timeS: readonly number[];
    readonly waitingPrefill: readonly number[];
    readonly waitingDecode: readonly number[];
    readonly running: readonly number[];
  };
  readonly mode: string;
  readonly events: number;
  /** Per-request records for the CSV and Chrome-trace exports (the first `MAX_RECORDS`; null: dropped). */
  readonly records: {
    readonly arrivalS: readonly number[];
    readonly ttftS: readonly (number | null)[];
    readonly e2eS: readonly (number | null)[];
    readonly promptTokens: readonly number[];
    readonly outputTokens: readonly number[];
    /** Requests the run had in all (records beyond MAX_RECORDS are not sent to the page). */
    readonly total: number;
  };
}

/** Per-request records sent to the page at most (exports of larger runs are truncated, and say so). */
export const MAX_RECORDS = 100_000;

/** Equal-width histogram of `values` over [0, the 99.5th percentile]; the tail goes in the last bin. */
export function histogram(values: readonly number[], bins = 30): Histogram {
  if (values.length === 0) return { edgesS: [0, 1], counts: [0] };
  const sorted = [...values].sort((a, b) => a - b);
  const top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.995))] ?? 0;
  const hi = top > 0 ? top * 1.02 : (sorted[sorted.length - 1] ?? 0) + 1e-9 || 1;
  const width = hi / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor(v / width)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { edgesS: Array.from({ length: bins + 1 }, (_, i) => i * width), counts };
}

/** Per completed request: TPOT = (end-to-end − TTFT) / (output tokens − 1), for outputs of ≥ 2 tokens. */
function requestTpots(result: SimulationResult): number[] {
  const r = result.requests;
  if (r === undefined) return [];
  const out: number[] = [];
  for (let i = 0; i < r.e2eS.length; i++) {
    const e2e = r.e2eS[i];
    const ttft = r.ttftS[i];
    const n = r.outputTokens[i] ?? 0;
    if (e2e == null || ttft == null || n < 2) continue;
    out.push((e2e - ttft) / (n - 1));
  }
  return out;
}

export function simulationView(result: SimulationResult): SimulationView {
  const s = result.summary;
  const r = result.requests;
  const ttfts = r === undefined ? [] : r.ttftS.filter((x): x is number => x !== null);
  const ts = result.timeSeries;
  // Output tokens completed per bin of ~1/60 of the run (smoother than the engine's sample interval).
  const end = Math.max(s.simulatedS, ts.timeS[ts.timeS.length - 1] ?? 0, 1e-9);
  const bins = 60;
  const width = end / bins;
  const outputTokens = new Array<number>(bins).fill(0);
  if (r !== undefined)
    for (let i = 0; i < r.e2eS.length; i++) {
      const e2e = r.e2eS[i];
      if (e2e == null) continue;
      const bin = Math.min(bins - 1, Math.floor(((r.arrivalS[i] ?? 0) + e2e) / width));
      if (bin >= 0) outputTokens[bin] = (outputTokens[bin] ?? 0) + (r.outputTokens[i] ?? 0);
    }
  return {
    requests: { arrived: s.requests.arrived, completed: s.requests.completed, dropped: s.requests.dropped },
    droppedByReason: Object.entries(s.requests.droppedByReason)
      .filter(([, n]) => n > 0)
      .map(([reason, count]) => ({ reason, count })),
    simulatedS: s.simulatedS,
    ttftS: s.ttftS,
    tpotS: s.tpotS,
    e2eS: s.e2eS,
    throughput: s.throughput,
    slo: s.slo,
    prefixHitRate: s.prefixCache.hitRate,
    ttftHistogram: histogram(ttfts),
    tpotHistogram: histogram(requestTpots(result)),
    throughputSeries: {
      timeS: outputTokens.map((_, i) => (i + 0.5) * width),
      outputTokensPerS: outputTokens.map((t) => t / width),
    },
    series: {
      timeS: ts.timeS,
      waitingPrefill: ts.waitingPrefill,
      waitingDecode: ts.waitingDecode,
      running: ts.running,
    },
    mode: result.config.mode,
    events: s.engine.events,
    records: {
      arrivalS: r?.arrivalS.slice(0, MAX_RECORDS) ?? [],
      ttftS: r?.ttftS.slice(0, MAX_RECORDS) ?? [],
      e2eS: r?.e2eS.slice(0, MAX_RECORDS) ?? [],
      promptTokens: r?.promptTokens.slice(0, MAX_RECORDS) ?? [],
      outputTokens: r?.outputTokens.slice(0, MAX_RECORDS) ?? [],
      total: r?.arrivalS.length ?? 0,
    },
  };
}
