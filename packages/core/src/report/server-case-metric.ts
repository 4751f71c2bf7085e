/**
 * The ledger's Server metric of a scenario (`server-output-tokens-per-s-per-chip`): MLPerf's highest
 * Poisson rate whose p99 TTFT and p99 TPOT meet the scenario's `serving.slo`, searched by the
 * serving simulator (serving/server-rate.ts) from the rate the estimate already implies.
 */
import type { Scenario } from "../deploy/index.ts";
import type { Estimate } from "../perf/index.ts";
import { serverRate } from "../serving/index.ts";
import { SupernodeError } from "../spec/index.ts";

/** The Server figure at MLPerf's p99 of the scenario's `serving.slo`, searched from the offline point's rate. */
export function serverMetric(e: Estimate, scenario: Scenario): number {
  const { ttftS, tpotS } = scenario.serving?.slo ?? {};
  if (ttftS === undefined || tpotS === undefined)
    throw new SupernodeError(
      "invalid-value",
      `scenario ${scenario.name}: metric server-output-tokens-per-s-per-chip needs serving.slo.ttftS and serving.slo.tpotS (the p99 limits)`,
      { file: scenario.fileName, fieldPath: ["serving", "slo"] },
    );
  const instances = scenario.deployment.colocated?.instances ?? 1;
  const offline = e.offline;
  const pools = e.disaggregated;
  // Colocated: the offline point's rate; disaggregated: the two pools' rate-matched rate.
  const initialRatePerS =
    offline !== undefined
      ? (offline.best.outputTokensPerSPerInstance * instances) / offline.outputTokens
      : pools !== undefined
        ? Math.min(pools.prefillRequestsPerS, pools.decodeRequestsPerS)
        : undefined;
  return serverRate(
    scenario,
    { percentile: 0.99, ttftS, tpotS },
    initialRatePerS === undefined ? {} : { initialRatePerS },
  ).best.outputTokensPerSPerChip;
}
