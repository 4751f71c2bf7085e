/**
 * What an MLPerf Server run measures at the rate its submitter chose: the p99 TTFT and p99 TPOT of
 * Poisson queries offered at `target_qps` (loadgen issues at that rate whatever the latencies; a
 * run whose latencies sit under both limits says nothing about the highest rate that would pass,
 * only what the deployment does at this one). The run is played by the serving simulator as the
 * Server search plays each of its rates (server-rate.ts: the same lengths, seed, run length of
 * `offline.requests` / `workload.requests` queries — or the submission's own count — and at least 600 s, and the offline section's
 * running-sequence cap), played to the end: no limit stops it.
 */
import type { Scenario } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import {
  type ServerRateOptions,
  type ServerRun,
  serverBaseModel,
  serverRun,
  serverRunRequests,
} from "./server-rate.ts";
import { totalChips } from "./serving-model.ts";

/** A submitted Server run: queries/s offered to `chips` accelerators (the whole submitted system). */
export interface SubmittedRate {
  readonly queriesPerS: number;
  readonly chips: number;
  /**
   * The submission's least query count over those chips (loadgen `min_query_count`); scaled like the
   * rate. Without it, the scenario's `offline.requests` / `workload.requests`. A run lasts 600 s at the least either way.
   */
  readonly queries?: number;
}

/**
 * The run at the submitted rate, scaled to the chips the scenario deploys (a scenario of one DEP8
 * instance plays 8 / 72 of a 72-GPU system's rate), at percentile `percentile` (MLPerf: 0.99).
 * @example serverRunAtRate(scenario, { queriesPerS: 12.5, chips: 8 }).tpotS
 * @throws SupernodeError "invalid-value" when the rate or chip count is not positive
 */
export function serverRunAtRate(
  scenario: Scenario,
  rate: SubmittedRate,
  percentile = 0.99,
  options: Pick<ServerRateOptions, "files" | "performance" | "requests" | "minDurationS" | "seed"> = {},
): ServerRun {
  if (!(rate.queriesPerS > 0 && Number.isFinite(rate.queriesPerS)))
    throw new SupernodeError(
      "invalid-value",
      `server run at a rate: queriesPerS must be a positive number of queries/s, got ${rate.queriesPerS}`,
      { file: scenario.fileName },
    );
  if (!(Number.isInteger(rate.chips) && rate.chips > 0))
    throw new SupernodeError(
      "invalid-value",
      `server run at a rate: chips must be a positive whole number (the submitted system's accelerators), got ${rate.chips}`,
      { file: scenario.fileName },
    );
  if (rate.queries !== undefined && !(Number.isInteger(rate.queries) && rate.queries > 0))
    throw new SupernodeError(
      "invalid-value",
      `server run at a rate: queries must be a positive whole number (the submission's min_query_count), got ${rate.queries}`,
      { file: scenario.fileName },
    );
  const base = serverBaseModel(scenario, options);
  const share = totalChips(base) / rate.chips;
  const ratePerS = rate.queriesPerS * share;
  const requests =
    rate.queries !== undefined && options.requests === undefined
      ? { requests: Math.ceil(rate.queries * share) }
      : {};
  const unbounded = { percentile, ttftS: Number.POSITIVE_INFINITY, tpotS: Number.POSITIVE_INFINITY };
  return serverRun(
    base,
    ratePerS,
    unbounded,
    serverRunRequests(scenario, { ...options, ...requests }, ratePerS),
    options.seed,
  );
}
