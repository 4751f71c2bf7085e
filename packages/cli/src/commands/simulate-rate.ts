/**
 * `supernode simulate <scenario.yaml> --max-rate [--percentile P] [--requests N] [--seed K] [--json]`:
 * the highest Poisson arrival rate whose simulated P-th percentile TTFT and TPOT meet
 * `serving.slo` (MLPerf Inference's Server scenario, core serving/server-rate.ts), with every
 * rate the search played.
 */
import {
  type Scenario,
  type ServerRate,
  SupernodeError,
  serverRate,
  type WorkloadFiles,
} from "@supernode/core";
import Table from "cli-table3";
import type { CliIo } from "../cli-io.ts";
import { enUs } from "../output/locale-number.ts";

export interface MaxRateFlags {
  readonly percentile?: string;
  readonly json?: boolean;
  readonly duration?: string;
  readonly csv?: string;
  readonly timeseries?: string;
  readonly trace?: string;
}

/** The percentile flag (strictly between 0 and 100, default 99) as a quantile. */
export function percentileFlag(text: string | undefined): number {
  if (text === undefined) return 0.99;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0 && value < 100))
    throw new SupernodeError(
      "usage",
      `--percentile expects a number between 0 and 100 (99 for p99), got "${text}"`,
    );
  return value / 100;
}

/** Runs the search and prints it (a table, or the result as JSON). */
export function printMaxRate(
  io: CliIo,
  scenario: Scenario,
  files: WorkloadFiles,
  flags: MaxRateFlags,
  run: { readonly requests?: number; readonly seed?: number },
): void {
  if (flags.duration !== undefined)
    throw new SupernodeError(
      "usage",
      "--max-rate sets each run's length itself; give --requests, not --duration",
    );
  const perRun = (["csv", "timeseries", "trace"] as const).filter((f) => flags[f] !== undefined);
  if (perRun.length > 0)
    throw new SupernodeError(
      "usage",
      `--max-rate plays many runs and writes none of them; drop --${perRun.join(", --")} (or run simulate at one rate: workload.arrival.ratePerS)`,
    );
  const percentile = percentileFlag(flags.percentile);
  const { ttftS, tpotS } = scenario.serving?.slo ?? {};
  if (ttftS === undefined || tpotS === undefined)
    throw new SupernodeError(
      "usage",
      "--max-rate needs both limits in the scenario: serving.slo.ttftS and serving.slo.tpotS (seconds), e.g. --set 'serving.slo={ttftS: 2, tpotS: 0.08}'",
      { file: scenario.fileName, fieldPath: ["serving", "slo"] },
    );
  const found = serverRate(scenario, { percentile, ttftS, tpotS }, { files, ...run });
  io.stdout.write(
    flags.json === true ? `${JSON.stringify(found, null, 2)}\n` : renderMaxRate(scenario.name, found),
  );
}

const ms = (s: number) => (Number.isFinite(s) ? enUs(s * 1e3, 1) : "∞");
const num = (x: number, digits = 0) => enUs(x, digits);

function renderMaxRate(name: string, found: ServerRate): string {
  const { limits, best, above } = found;
  const p = `p${+(limits.percentile * 100).toPrecision(4)}`;
  const table = new Table({
    head: ["requests/s", "queries", `${p} TTFT (ms)`, `${p} TPOT (ms)`, "meets", "output tokens/s per chip"],
    colAligns: ["right", "right", "right", "right", "left", "right"],
    style: { head: [], border: [] },
  });
  for (const run of found.runs)
    table.push([
      num(run.ratePerS, 3),
      num(run.requests),
      `${run.stoppedEarly ? "≥ " : ""}${ms(run.ttftS)}`,
      `${run.stoppedEarly ? "≥ " : ""}${ms(run.tpotS)}`,
      run.meetsLimits ? "yes" : "no",
      run.stoppedEarly ? "—" : num(run.outputTokensPerSPerChip),
    ]);
  return [
    `${name}: highest Poisson rate with ${p} TTFT ≤ ${ms(limits.ttftS)} ms and ${p} TPOT ≤ ${ms(limits.tpotS)} ms`,
    table.toString(),
    "(≥, —: the run stopped once the limits were certainly missed; ≥ a lower bound)",
    `sustained: ${num(best.ratePerS, 3)} requests/s (${num(above.ratePerS, 3)} misses), ${num(best.outputTokensPerS)} output tokens/s = ${num(best.outputTokensPerSPerChip)} per chip; ${p} TTFT ${ms(best.ttftS)} ms, ${p} TPOT ${ms(best.tpotS)} ms`,
    "",
  ].join("\n");
}
