/**
 * Simulate: the request-level serving simulator on a scenario (its `workload` and `serving`
 * sections), run in its own worker with a progress bar and a cancel button (cancelling
 * terminates the worker); TTFT and TPOT distributions, throughput and queue lengths over time,
 * SLO attainment.
 */
import { useMemo } from "react";
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLE_SCENARIOS } from "../app/examples.ts";
import { useScenario } from "../app/use-scenario.ts";
import { Chart } from "../components/chart.tsx";
import { ErrorBox } from "../components/error-box.tsx";
import { Kpi } from "../components/kpi.tsx";
import { NumberField } from "../components/number-field.tsx";
import { ScenarioEditor } from "../components/scenario-editor.tsx";
import { useManualJob } from "../worker/use-job.ts";
import { latencyHistogram, timeSeriesChart } from "./simulate-charts.ts";

/** The default: the shipped serving scenario (CloudMatrix-Infer's deployment under Poisson traffic). */
const DEFAULT_SCENARIO = "cloudmatrix384-deepseek-r1-serving.yaml";

/** An integer URL parameter of at least `min`, else `fallback`. */
function intParam(params: URLSearchParams, key: string, fallback: number, min = 1): number {
  const v = Number(params.get(key) ?? Number.NaN);
  return Number.isInteger(v) && v >= min ? v : fallback;
}

export function SimulateView({ params, setParams }: ViewProps) {
  const scenario = useScenario(params, setParams, DEFAULT_SCENARIO, EXAMPLE_SCENARIOS);
  const requests = intParam(params, "requests", 2000);
  const seed = intParam(params, "seed", 1, 0); // 0 is a seed, as on the CLI
  const { state, start, cancel } = useManualJob<"simulate">();
  const result = state.status === "done" ? state.value : undefined;
  const charts = useMemo(
    () =>
      result === undefined
        ? undefined
        : {
            ttft: latencyHistogram(result.ttftHistogram, "TTFT", result.slo.ttftS),
            tpot: latencyHistogram(result.tpotHistogram, "TPOT", result.slo.tpotS),
            series: timeSeriesChart(result),
          },
    [result],
  );
  const setNumber = (key: string, value: number) => {
    const next = new URLSearchParams(params);
    next.set(key, String(value));
    setParams(next);
  };
  const running = state.status === "running";
  const progress = running ? state.progress : undefined;
  return (
    <div className="split simulate-view">
      <div>
        <section className="panel" aria-label="Run">
          <h2>Run</h2>
          <div className="controls">
            <NumberField
              label="Requests"
              value={requests}
              rule={{ min: 1, integer: true }}
              step={500}
              knob="requests"
              onCommit={(v) => setNumber("requests", v)}
            />
            <NumberField
              label="Seed"
              value={seed}
              rule={{ min: 0, integer: true }}
              step={1}
              knob="seed"
              onCommit={(v) => setNumber("seed", v)}
            />
          </div>
          <div className="button-row run-row">
            <button
              type="button"
              disabled={running}
              onClick={() =>
                start({
                  kind: "simulate",
                  text: scenario.committedText,
                  fileName: scenario.fileName,
                  requests,
                  seed,
                })
              }
            >
              Run simulation
            </button>
            <button type="button" className="secondary" disabled={!running} onClick={cancel}>
              Cancel
            </button>
          </div>
          <div className="status-line" aria-live="polite" data-job-status={state.status}>
            {running && (
              <>
                <progress max={1} value={progress?.fraction ?? undefined} aria-label="Simulation progress" />{" "}
                {progress?.detail ?? "Starting…"}
              </>
            )}
            {state.status === "cancelled" && "Cancelled: the worker was stopped."}
            {state.status === "done" && `Done: ${state.value.events.toLocaleString("en-US")} events.`}
          </div>
        </section>
        <section className="panel" aria-label="Scenario">
          <ScenarioEditor
            text={scenario.text}
            fileName={scenario.fileName}
            examples={EXAMPLE_SCENARIOS}
            onChange={(t, name) => scenario.setText(t, name)}
          />
        </section>
      </div>
      <div>
        {state.status === "error" && <ErrorBox error={state.error} />}
        {state.status === "idle" && (
          <div className="panel empty">
            Run the simulation to see TTFT and TPOT distributions, throughput and queues over time, and SLO
            attainment.
          </div>
        )}
        {result !== undefined && charts !== undefined && (
          <>
            <div className="kpis">
              <Kpi
                id="completed"
                label={`Completed (of ${result.requests.arrived})`}
                value={result.requests.completed}
                digits={0}
              />
              <Kpi
                id="output-per-chip"
                label="Output tokens/s per chip"
                value={result.throughput.outputTokensPerSPerChip}
                digits={0}
              />
              <Kpi id="ttft-p50" label="TTFT p50" value={result.ttftS.p50 * 1e3} unit="ms" />
              <Kpi id="ttft-p99" label="TTFT p99" value={result.ttftS.p99 * 1e3} unit="ms" />
              <Kpi id="tpot-p50" label="TPOT p50" value={result.tpotS.p50 * 1e3} unit="ms" />
              <Kpi id="tpot-p99" label="TPOT p99" value={result.tpotS.p99 * 1e3} unit="ms" />
              <Kpi id="slo" label="SLO attainment" value={result.slo.attainment * 100} unit="%" />
              <Kpi
                id="goodput"
                label="Goodput (output tokens/s)"
                value={result.slo.goodputOutputTokensPerS}
                digits={0}
              />
            </div>
            <p className="hint">
              {result.mode} serving, {result.throughput.chips} chips, {result.simulatedS.toFixed(1)} s
              simulated; SLO{" "}
              {result.slo.ttftS === null
                ? "no TTFT limit"
                : `TTFT ≤ ${(result.slo.ttftS * 1e3).toFixed(0)} ms`}
              ,{" "}
              {result.slo.tpotS === null
                ? "no TPOT limit"
                : `TPOT ≤ ${(result.slo.tpotS * 1e3).toFixed(0)} ms`}
              {result.droppedByReason.length > 0 &&
                `; dropped: ${result.droppedByReason.map((d) => `${d.count} ${d.reason}`).join(", ")}`}
              .
            </p>
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
        )}
      </div>
    </div>
  );
}
