/**
 * The highest Poisson arrival rate a deployment sustains under percentile latency limits, as
 * MLPerf Inference's Server scenario measures it (mlcommons/inference loadgen, read at b66003e):
 *  - arrivals are Poisson at the target rate (loadgen.cc `ScheduleDistribution<Server>`:
 *    exponential gaps);
 *  - each query's TTFT is first token − issue, its TPOT (latency − TTFT) / (tokens − 1)
 *    (logging.cc, `RecordSampleCompletion`), and the run is valid when the p-th percentile of each
 *    over all queries — the sorted value at index ⌊n·p⌋ (results.cc `ProcessTokenLatencies`),
 *    p = 0.99 (mlperf.conf `*.Server.target_latency_percentile = 99`) — is within its limit
 *    (results.cc `PerfConstraintsMet`; DeepSeek-R1: 2 s and 80 ms, mlperf.conf);
 *  - a run issues at least `min_query_count` queries and lasts at least `min_duration` (600 s);
 *  - the result is the tokens completed per second at that rate (results.cc "Completed tokens per
 *    second" = tokens ÷ the last completion's time), which a valid run's long steady state makes
 *    the rate × the mean output tokens per query.
 * The search plays the deployment with the serving simulator at one rate after another, seeded
 * (the same seed draws the same lengths and the same exponential gaps scaled by 1 / rate, so the
 * percentiles grow with the rate), brackets the limit and narrows the bracket to a relative
 * tolerance. Loadgen's early-stopping allowance is not modelled: the plain percentile decides.
 */
import type { Scenario } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { simulateServing } from "./serving-engine.ts";
import { type ServingModel, totalChips } from "./serving-model.ts";
import { type SimulateScenarioOptions, servingModelOf } from "./simulate.ts";

export interface ServerLimits {
  /** The quantile both limits apply to (MLPerf Server: 0.99). */
  readonly percentile: number;
  /** Limit on the percentile of time to first token (s). */
  readonly ttftS: number;
  /** Limit on the percentile of per-query time per output token after the first (s). */
  readonly tpotS: number;
}

export interface ServerRateOptions extends Pick<SimulateScenarioOptions, "files" | "performance"> {
  /** Queries per run (default: workload.requests, else offline.requests; MLPerf's min_query_count). */
  readonly requests?: number;
  /** Each run lasts at least this long: rate × this many queries at the least (default 600 s, MLPerf's min_duration). */
  readonly minDurationS?: number;
  /** Seed of every run (default: the workload's). */
  readonly seed?: number;
  /** First rate tried (requests/s; default: the workload's Poisson rate, else 1). */
  readonly initialRatePerS?: number;
  /** The search stops when the failing rate is within this factor of the passing one (default 0.02). */
  readonly relativeTolerance?: number;
}

/** One simulated run at a rate. */
export interface ServerRun {
  readonly ratePerS: number;
  readonly requests: number;
  /** The percentile of TTFT over the run's queries (loadgen's index rule); Infinity when one was dropped beyond it. */
  readonly ttftS: number;
  /** The percentile of per-query TPOT. */
  readonly tpotS: number;
  readonly meetsLimits: boolean;
  /**
   * The run stopped once more queries than the percentile allows were over a limit; `ttftS` and
   * `tpotS` are then lower bounds (the percentile over the queries finished so far).
   */
  readonly stoppedEarly: boolean;
  /** The rate × the mean output tokens per query of the queries finished. */
  readonly outputTokensPerS: number;
  readonly outputTokensPerSPerChip: number;
}

export interface ServerRate {
  readonly limits: ServerLimits;
  /** The highest rate found that meets both limits. */
  readonly best: ServerRun;
  /** The lowest rate found that misses one (within the tolerance of `best`). */
  readonly above: ServerRun;
  /** Every run, in the order played. */
  readonly runs: readonly ServerRun[];
}

const MAX_RANGE_STEPS = 24;
const MAX_RUNS = 40;

/**
 * @example serverRate(scenario, { percentile: 0.99, ttftS: 2, tpotS: 0.08 }).best.outputTokensPerSPerChip
 * @throws SupernodeError "infeasible" when no rate down to 2^-24 of the first meets the limits
 */
export function serverRate(
  scenario: Scenario,
  limits: ServerLimits,
  options: ServerRateOptions = {},
): ServerRate {
  checkLimits(scenario, limits);
  const base = serverBaseModel(scenario, options);
  const arrival = base.workload.arrival;
  const runs: ServerRun[] = [];
  const play = (ratePerS: number): ServerRun => {
    const run = serverRun(
      base,
      ratePerS,
      limits,
      serverRunRequests(scenario, options, ratePerS),
      options.seed,
    );
    runs.push(run);
    return run;
  };
  const tolerance = options.relativeTolerance ?? 0.02;
  const first = play(options.initialRatePerS ?? (arrival.kind === "poisson" ? arrival.ratePerS : 1));
  let lo: ServerRun | undefined = first.meetsLimits ? first : undefined;
  let hi: ServerRun | undefined = first.meetsLimits ? undefined : first;
  for (let step = 0; step < MAX_RANGE_STEPS && (lo === undefined || hi === undefined); step++) {
    const next = lo === undefined ? play((hi as ServerRun).ratePerS / 2) : play(lo.ratePerS * 2);
    if (next.meetsLimits) lo = next;
    else hi = next;
  }
  if (lo === undefined) throw noRate(scenario, limits, hi as ServerRun);
  if (hi === undefined)
    throw new SupernodeError(
      "infeasible",
      `the limits never bind: ${lo.ratePerS.toPrecision(3)} requests/s still meets p${limits.percentile * 100} TTFT ≤ ${limits.ttftS} s and TPOT ≤ ${limits.tpotS * 1e3} ms`,
      { file: scenario.fileName, fieldPath: ["serving", "slo"] },
    );
  while (hi.ratePerS / lo.ratePerS > 1 + tolerance && runs.length < MAX_RUNS) {
    const next = play(nextRate(lo, hi, limits));
    if (next.meetsLimits) lo = next;
    else hi = next;
  }
  return { limits, best: lo, above: hi, runs };
}

/**
 * The serving model a Server run plays: the scenario's lengths (workload, else the offline section's),
 * the offline section's `maxSequencesPerInstance` as the running-sequence cap.
 * @throws SupernodeError "usage" when the workload replays a trace (fixed arrivals)
 */
export function serverBaseModel(
  scenario: Scenario,
  options: Pick<SimulateScenarioOptions, "files" | "performance"> = {},
): ServingModel {
  const base = servingModelOf(scenario, {
    ...options,
    ...(scenario.offline?.maxSequencesPerInstance !== undefined
      ? { offlineBatch: scenario.offline.maxSequencesPerInstance }
      : {}),
  });
  if (base.workload.arrival.kind === "trace")
    throw new SupernodeError(
      "usage",
      "server rate: the workload replays a trace, whose arrivals and lengths are fixed; give promptTokens / outputTokens distributions (workload or offline section) to play at Poisson rates",
      { file: scenario.fileName, fieldPath: ["workload", "arrival"] },
    );
  return base;
}

/** MLPerf's run length: the requested queries, and at least `minDurationS` of arrivals. */
export function serverRunRequests(scenario: Scenario, options: ServerRateOptions, ratePerS: number): number {
  const requests = options.requests ?? scenario.workload?.requests ?? scenario.offline?.requests ?? 0;
  return Math.max(requests, Math.ceil(ratePerS * (options.minDurationS ?? 600)));
}

/**
 * The next rate inside the bracket: the geometric midpoint, or — when the failing run played to the
 * end and is near its limit (the latencies still grow smoothly there) — where the log of the worse limit ratio crosses
 * zero, interpolated in log rate and kept within the middle 70 % of the bracket. A TTFT that jumps
 * once the queue grows would pin every interpolated guess to the passing end.
 */
function nextRate(lo: ServerRun, hi: ServerRun, limits: ServerLimits): number {
  const excess = (run: ServerRun) => Math.log(Math.max(run.ttftS / limits.ttftS, run.tpotS / limits.tpotS));
  const a = excess(lo);
  const b = excess(hi);
  const smooth = !hi.stoppedEarly && b < Math.LN2 && b > a;
  const t = smooth ? Math.min(0.85, Math.max(0.15, -a / (b - a))) : 0.5;
  return Math.exp(Math.log(lo.ratePerS) + t * (Math.log(hi.ratePerS) - Math.log(lo.ratePerS)));
}

/** Thrown from a run's request hook once its limits are certainly missed (caught in `serverRun`). */
class LimitsMissed extends Error {}

/**
 * One run at `ratePerS`: the base model with Poisson arrivals, its queries' percentiles. A run stops
 * as soon as more queries than the percentile allows (n − ⌊n·p⌋) are over a limit — the rest cannot
 * bring it back — and then reports each percentile as the lower bound the queries so far give.
 */
export function serverRun(
  base: ServingModel,
  ratePerS: number,
  limits: ServerLimits,
  requests: number,
  seed?: number,
): ServerRun {
  const model: ServingModel = {
    ...base,
    workload: { ...base.workload, arrival: { kind: "poisson", ratePerS } },
  };
  const ttft: number[] = [];
  const tpot: number[] = [];
  const allowedOver = requests - Math.floor(requests * limits.percentile);
  let overTtft = 0;
  let overTpot = 0;
  let output = 0;
  let stoppedEarly = false;
  try {
    simulateServing(model, {
      requests,
      ...(seed !== undefined ? { seed } : {}),
      recordRequests: false,
      // Only the queries' latencies are read (`onRequest`): no iteration timeline.
      maxTraceEvents: 0,
      onRequest: (r) => {
        output += r.outputTokens;
        // A dropped query counts as over every limit.
        const first = r.ttftS ?? Number.POSITIVE_INFINITY;
        ttft.push(first);
        if (first > limits.ttftS) overTtft++;
        if (r.outputTokens > 1) {
          const perToken =
            r.e2eS === null ? Number.POSITIVE_INFINITY : (r.e2eS - first) / (r.outputTokens - 1);
          tpot.push(perToken);
          if (perToken > limits.tpotS) overTpot++;
        }
        if (overTtft >= allowedOver || overTpot >= allowedOver) throw new LimitsMissed();
      },
    });
  } catch (error) {
    if (!(error instanceof LimitsMissed)) throw error;
    stoppedEarly = true;
  }
  const quantile = (values: number[]) =>
    stoppedEarly ? largest(values, allowedOver) : percentileOf(values, limits.percentile);
  const ttftS = quantile(ttft);
  const tpotS = quantile(tpot);
  const outputTokensPerS = ttft.length > 0 ? (ratePerS * output) / ttft.length : 0;
  return {
    ratePerS,
    requests,
    ttftS,
    tpotS,
    meetsLimits: !stoppedEarly && ttftS <= limits.ttftS && tpotS <= limits.tpotS,
    stoppedEarly,
    outputTokensPerS,
    outputTokensPerSPerChip: outputTokensPerS / totalChips(base),
  };
}

/** The k-th largest value (0 when there are fewer than k). */
function largest(values: number[], k: number): number {
  if (values.length < k) return 0;
  return Float64Array.from(values).sort()[values.length - k] as number;
}

/**
 * Loadgen's percentile: the sorted values at index ⌊n·p⌋ (the last when that is n).
 * @example percentileOf([4, 1, 3, 2], 0.5) // 3
 */
export function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

function checkLimits(scenario: Scenario, limits: ServerLimits): void {
  const bad = (field: string, what: string) =>
    new SupernodeError("invalid-value", `server rate: ${field} must be ${what}`, {
      file: scenario.fileName,
      fieldPath: ["serving", "slo", field],
    });
  // The percentile is no scenario field: it is the caller's (the CLI's --percentile, as a
  // quantile; validate's MLPerf p99), so the message names the argument, not serving.slo.
  if (!(limits.percentile > 0 && limits.percentile < 1))
    throw new SupernodeError(
      "invalid-value",
      `server rate: the percentile (serverRate's limits.percentile, a quantile; the CLI's --percentile takes 0–100) must be between 0 and 1 (0.99 for p99), got ${limits.percentile}`,
    );
  if (!(limits.ttftS > 0 && Number.isFinite(limits.ttftS)))
    throw bad("ttftS", "a positive number of seconds");
  if (!(limits.tpotS > 0 && Number.isFinite(limits.tpotS)))
    throw bad("tpotS", "a positive number of seconds");
}

function noRate(scenario: Scenario, limits: ServerLimits, lowest: ServerRun): SupernodeError {
  const p = `p${+(limits.percentile * 100).toPrecision(4)}`;
  return new SupernodeError(
    "infeasible",
    `no arrival rate meets ${p} TTFT ≤ ${limits.ttftS} s and ${p} TPOT ≤ ${limits.tpotS * 1e3} ms: at ${lowest.ratePerS.toPrecision(3)} requests/s ${p} TTFT is ${lowest.ttftS.toPrecision(3)} s and ${p} TPOT ${(lowest.tpotS * 1e3).toPrecision(3)} ms`,
    { file: scenario.fileName, fieldPath: ["serving", "slo"] },
  );
}
