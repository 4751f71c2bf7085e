/**
 * Plain-language warnings about a simulation run: low SLO attainment, an overloaded deployment
 * (waiting grows through the run), dropped or unfinished requests. Pure, tested in Node.
 */
import type { SimulationView } from "../worker/jobs/simulation-view.ts";

export interface RunWarning {
  readonly id: "slo" | "overload" | "dropped" | "unfinished";
  /** `bad`: the run does not meet its targets; `warn`: worth a look. */
  readonly level: "bad" | "warn";
  readonly text: string;
}

/** SLO attainment below which a run is flagged. */
export const SLO_WARN = 0.9;
export const SLO_BAD = 0.5;

/**
 * When the TTFT of late arrivals counts as growing (overload): late over early at least this ratio
 * and this many seconds, with at least this many requests per quarter. A display heuristic chosen
 * for this view (assumption, no published source); it changes no modelled figure.
 */
const OVERLOAD_TTFT_RATIO = 1.5;
const OVERLOAD_TTFT_EXCESS_S = 0.5;
const OVERLOAD_MIN_PER_QUARTER = 10;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * TTFT of the requests that arrived in the second quarter of the run against those of the last
 * quarter (by arrival order). In a stable system the wait is stationary; under overload the queue,
 * hence the TTFT, keeps growing (the thresholds above).
 */
export function ttftGrowth(view: SimulationView): { early: number; late: number; growing: boolean } {
  const r = view.records;
  const n = r.arrivalS.length;
  const q = Math.floor(n / 4);
  const ttfts = (from: number, to: number) =>
    r.ttftS.slice(from, to).filter((x): x is number => x !== null && x !== undefined);
  const early = median(ttfts(q, 2 * q));
  const late = median(ttfts(3 * q, n));
  return {
    early,
    late,
    growing:
      q >= OVERLOAD_MIN_PER_QUARTER &&
      late > OVERLOAD_TTFT_RATIO * early &&
      late - early > OVERLOAD_TTFT_EXCESS_S,
  };
}

/** @example runWarnings(view).map((w) => w.text) */
export function runWarnings(view: SimulationView): RunWarning[] {
  const out: RunWarning[] = [];
  const slo = view.slo;
  if ((slo.ttftS !== null || slo.tpotS !== null) && slo.attainment < SLO_WARN)
    out.push({
      id: "slo",
      level: slo.attainment < SLO_BAD ? "bad" : "warn",
      text: `Only ${pct(slo.attainment)} of requests met the SLOs (target ≥ ${pct(SLO_WARN)} in this view).`,
    });
  const growth = ttftGrowth(view);
  if (growth.growing)
    out.push({
      id: "overload",
      level: "bad",
      text: `Overloaded: waiting grows through the run (median TTFT ${growth.early.toFixed(2)} s for requests arriving in the second quarter, ${growth.late.toFixed(2)} s in the last) — requests arrive faster than the deployment serves them. Lower the arrival rate or add instances; latencies here grow with the run length.`,
    });
  if (view.requests.dropped > 0)
    out.push({
      id: "dropped",
      level: "bad",
      text: `${view.requests.dropped.toLocaleString("en-US")} requests were dropped (${view.droppedByReason
        .map((d) => `${d.count} ${d.reason}`)
        .join(", ")}).`,
    });
  const unfinished = view.requests.arrived - view.requests.completed - view.requests.dropped;
  if (unfinished > 0)
    out.push({
      id: "unfinished",
      level: "warn",
      text: `${unfinished.toLocaleString("en-US")} requests had not finished when the run ended.`,
    });
  return out;
}
