/**
 * The results of a simulation run: warnings first (low SLO attainment, overload, drops), the
 * headline figures with their change against the previous run (kept for comparison), the
 * downloads (CSV, JSON, Chrome trace), TTFT/TPOT histograms and throughput and queues over time.
 */
import { useMemo } from "react";
import { formatChange, settingChanges } from "../app/scenario-diff.ts";
import { Chart } from "../components/chart.tsx";
import { Kpi } from "../components/kpi.tsx";
import type { SimulationView } from "../worker/jobs/simulation-view.ts";
import { latencyHistogram, timeSeriesChart } from "./simulate-charts.ts";
import { download, MAX_TRACE_REQUESTS, runCsv, runTrace } from "./simulate-exports.ts";
import { runWarnings } from "./simulate-warnings.ts";

export interface Run {
  readonly view: SimulationView;
  readonly text: string;
  readonly fileName: string;
}

const PREVIOUS = "the previous run";

export function SimulateResults({ run, previous }: { run: Run; previous: Run | undefined }) {
  const result = run.view;
  const before = previous?.view;
  const charts = useMemo(
    () => ({
      ttft: latencyHistogram(result.ttftHistogram, "TTFT", result.slo.ttftS),
      tpot: latencyHistogram(result.tpotHistogram, "TPOT", result.slo.tpotS),
      series: timeSeriesChart(result),
    }),
    [result],
  );
  const warnings = useMemo(() => runWarnings(result), [result]);
  const changes = previous === undefined ? undefined : settingChanges(previous.text, run.text);
  const base = run.fileName.replace(/\.(ya?ml|json)$/i, "");
  const ms = (x: number | undefined) => (x === undefined ? undefined : x * 1e3);
  return (
    <>
      {warnings.length > 0 && (
        <div className="run-warnings" role="alert" aria-label="Warnings about this run">
          {warnings.map((w) => (
            <p key={w.id} className={`run-warning ${w.level}`} data-warning={w.id}>
              {w.text}
            </p>
          ))}
        </div>
      )}
      <p className="hint baseline-note" data-previous={previous === undefined ? "none" : "kept"}>
        {previous === undefined
          ? "Deltas appear against the previous run once you run again."
          : `Deltas against the previous run${
              changes === undefined || changes.length === 0
                ? " (same settings)"
                : `; changed since: ${changes.slice(0, 4).map(formatChange).join(", ")}`
            }.`}
      </p>
      <div className="kpis">
        <Kpi
          id="completed"
          label={`Completed (of ${result.requests.arrived})`}
          value={result.requests.completed}
          digits={0}
          baseline={before?.requests.completed}
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="output-per-chip"
          label="Output tokens/s per chip"
          value={result.throughput.outputTokensPerSPerChip}
          digits={0}
          baseline={before?.throughput.outputTokensPerSPerChip}
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="ttft-p50"
          label="TTFT p50"
          value={result.ttftS.p50 * 1e3}
          unit="ms"
          baseline={ms(before?.ttftS.p50)}
          better="down"
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="ttft-p99"
          label="TTFT p99"
          value={result.ttftS.p99 * 1e3}
          unit="ms"
          baseline={ms(before?.ttftS.p99)}
          better="down"
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="tpot-p50"
          label="TPOT p50"
          value={result.tpotS.p50 * 1e3}
          unit="ms"
          baseline={ms(before?.tpotS.p50)}
          better="down"
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="tpot-p99"
          label="TPOT p99"
          value={result.tpotS.p99 * 1e3}
          unit="ms"
          baseline={ms(before?.tpotS.p99)}
          better="down"
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="slo"
          label="SLO attainment"
          value={result.slo.attainment * 100}
          unit="%"
          baseline={before === undefined ? undefined : before.slo.attainment * 100}
          baselineLabel={PREVIOUS}
        />
        <Kpi
          id="goodput"
          label="Goodput (output tokens/s)"
          value={result.slo.goodputOutputTokensPerS}
          digits={0}
          baseline={before?.slo.goodputOutputTokensPerS}
          baselineLabel={PREVIOUS}
        />
      </div>
      <p className="hint">
        {result.mode} serving, {result.throughput.chips} chips, {result.simulatedS.toFixed(1)} s simulated;
        SLO {result.slo.ttftS === null ? "no TTFT limit" : `TTFT ≤ ${(result.slo.ttftS * 1e3).toFixed(0)} ms`}
        , {result.slo.tpotS === null ? "no TPOT limit" : `TPOT ≤ ${(result.slo.tpotS * 1e3).toFixed(0)} ms`}.
      </p>
      <div className="button-row export-row">
        <button
          type="button"
          className="secondary"
          onClick={() => download(runCsv(result), `${base}-requests.csv`, "text/csv")}
        >
          Requests CSV
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => download(JSON.stringify(result), `${base}-run.json`, "application/json")}
        >
          Run JSON
        </button>
        <button
          type="button"
          className="secondary"
          title={`Trace Event Format: open in https://ui.perfetto.dev or chrome://tracing (first ${MAX_TRACE_REQUESTS.toLocaleString("en-US")} requests)`}
          onClick={() => download(runTrace(result), `${base}-trace.json`, "application/json")}
        >
          Chrome trace (Perfetto)
        </button>
        {result.records.total > result.records.arrivalS.length && (
          <span className="hint">
            Exports hold the first {result.records.arrivalS.length.toLocaleString("en-US")} of{" "}
            {result.records.total.toLocaleString("en-US")} requests.
          </span>
        )}
      </div>
      <div className="grid-2">
        <section className="panel" aria-label="TTFT distribution">
          <h2>TTFT distribution</h2>
          <Chart option={charts.ttft} label="Histogram of time to first token" height={240} />
        </section>
        <section className="panel" aria-label="TPOT distribution">
          <h2>TPOT distribution</h2>
          <Chart option={charts.tpot} label="Histogram of time per output token" height={240} />
        </section>
      </div>
      <section className="panel" aria-label="Throughput and queues over time">
        <h2>Throughput and queues over time</h2>
        <Chart
          option={charts.series}
          label="Output tokens per second and queue lengths over simulated time"
          height={280}
        />
      </section>
    </>
  );
}
