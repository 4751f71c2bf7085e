/**
 * The Simulate view's load sweep: the scenario run by core's serving simulator at a series of
 * arrival rates (`workload.arrival.ratePerS` set through core's scenario overrides, as
 * `supernode simulate --set`), collecting TTFT/TPOT percentiles, SLO attainment and goodput per
 * rate, and the highest rate whose SLO attainment meets the target — with every lower rate
 * meeting it too, so a lucky point past the knee does not count.
 */
import { parseOverride, parseScenario, SupernodeError, simulate } from "@supernode/core";
import type { OnProgress } from "../handlers.ts";

export interface LoadSweepRequest {
  readonly text: string;
  readonly fileName: string;
  /** Arrival rates to run, requests/s (sorted ascending by the job). */
  readonly ratesPerS: readonly number[];
  /** Requests per point (the document's `workload.requests` when absent). */
  readonly requests?: number;
  /** SLO attainment a rate must reach to count as meeting the SLO (0..1). */
  readonly target: number;
}

export interface LoadSweepPoint {
  readonly ratePerS: number;
  readonly ttftS: { readonly p50: number; readonly p90: number; readonly p99: number };
  readonly tpotS: { readonly p50: number; readonly p90: number; readonly p99: number };
  readonly attainment: number;
  readonly goodputRequestsPerS: number;
  readonly outputTokensPerSPerChip: number;
  readonly completed: number;
  readonly arrived: number;
}

export interface LoadSweepResult {
  readonly points: readonly LoadSweepPoint[];
  readonly slo: { readonly ttftS: number | null; readonly tpotS: number | null };
  readonly target: number;
  /** Highest rate meeting the target with every lower rate meeting it; absent when the lowest misses. */
  readonly maxRatePerS?: number;
  /** The first rate that misses the target (the knee lies between it and `maxRatePerS`). */
  readonly firstMissPerS?: number;
  readonly requestsPerPoint: number;
}

/** @example maxLoadUnderSlo([{ ratePerS: 10, attainment: 1 }, { ratePerS: 20, attainment: 0.5 }], 0.9) // { max: 10, firstMiss: 20 } */
export function maxLoadUnderSlo(
  points: readonly { readonly ratePerS: number; readonly attainment: number }[],
  target: number,
): { max?: number; firstMiss?: number } {
  let max: number | undefined;
  for (const p of points) {
    if (p.attainment < target) return { ...(max === undefined ? {} : { max }), firstMiss: p.ratePerS };
    max = p.ratePerS;
  }
  return max === undefined ? {} : { max };
}

const SWEPT = "workload.arrival.ratePerS";

/** @example loadSweepJob({ text, fileName: "s.yaml", ratesPerS: [30, 60], requests: 300, target: 0.9 }, () => {}).maxRatePerS */
export function loadSweepJob(request: LoadSweepRequest, onProgress: OnProgress): LoadSweepResult {
  const rates = [...new Set(request.ratesPerS)].filter((r) => r > 0).sort((a, b) => a - b);
  if (rates.length === 0)
    throw new SupernodeError("invalid-value", "the sweep needs at least one arrival rate > 0");
  const base = parseScenario(request.text, request.fileName);
  const arrival = base.workload?.arrival;
  if (arrival === undefined)
    throw new SupernodeError("schema", `${request.fileName}: the load sweep needs a workload section`);
  if (arrival.kind !== "poisson" && arrival.kind !== "gamma")
    throw new SupernodeError(
      "invalid-value",
      `${request.fileName}: the load sweep varies ${SWEPT}, which a "${arrival.kind}" arrival does not have (use poisson or gamma)`,
    );
  const requests = request.requests ?? base.workload?.requests ?? 1000;
  const points: LoadSweepPoint[] = [];
  let slo: LoadSweepResult["slo"] = { ttftS: null, tpotS: null };
  rates.forEach((rate, i) => {
    onProgress(i / rates.length, `${rate} requests/s: point ${i + 1} of ${rates.length}`);
    const scenario = parseScenario(request.text, request.fileName, undefined, {
      overrides: [parseOverride(`${SWEPT}=${rate}`)],
    });
    const result = simulate(scenario, {
      requests,
      onProgress: (p) =>
        onProgress(
          (i + (p.total ? p.finished / p.total : 0)) / rates.length,
          `${rate} requests/s: point ${i + 1} of ${rates.length}, ${p.finished.toLocaleString("en-US")} requests finished`,
        ),
    });
    const s = result.summary;
    slo = { ttftS: s.slo.ttftS, tpotS: s.slo.tpotS };
    const pick = (x: { p50: number; p90: number; p99: number }) => ({ p50: x.p50, p90: x.p90, p99: x.p99 });
    points.push({
      ratePerS: rate,
      ttftS: pick(s.ttftS),
      tpotS: pick(s.tpotS),
      attainment: s.slo.attainment,
      goodputRequestsPerS: s.slo.goodputRequestsPerS,
      outputTokensPerSPerChip: s.throughput.outputTokensPerSPerChip,
      completed: s.requests.completed,
      arrived: s.requests.arrived,
    });
  });
  const { max, firstMiss } = maxLoadUnderSlo(points, request.target);
  return {
    points,
    slo,
    target: request.target,
    requestsPerPoint: requests,
    ...(max === undefined ? {} : { maxRatePerS: max }),
    ...(firstMiss === undefined ? {} : { firstMissPerS: firstMiss }),
  };
}
