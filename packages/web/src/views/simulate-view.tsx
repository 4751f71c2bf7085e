/**
 * Simulate: the request-level serving simulator on a scenario (its `workload` and `serving`
 * sections), run in its own worker with a progress bar and a cancel button (cancelling
 * terminates the worker); TTFT and TPOT distributions, throughput and queue lengths over time,
 * SLO attainment.
 */
import { lazy, Suspense, useState } from "react";
import DEFAULT_TEXT from "../../../../examples/cloudmatrix384-deepseek-r1-serving.yaml?raw";
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLES } from "../app/examples.ts";
import { useScenario } from "../app/use-scenario.ts";
import { ErrorBox } from "../components/error-box.tsx";
import { RunControls } from "../components/run-controls.tsx";
import { ScenarioEditor } from "../components/scenario-editor.tsx";
import { WorkloadKnobs } from "../components/workload-knobs.tsx";
import { useManualJob } from "../worker/use-job.ts";
import type { Run } from "./simulate-results.tsx";

// The load sweep is its own chunk, fetched when its section is first opened.
const LoadSweep = lazy(() => import("./load-sweep.tsx").then((m) => ({ default: m.LoadSweep })));
// The results (and the chart library they draw with) are a chunk of their own: nothing shows
// them before a run, and a run fetches them while it simulates.
const loadResults = () => import("./simulate-results.tsx");
const SimulateResults = lazy(() => loadResults().then((m) => ({ default: m.SimulateResults })));

/**
 * The default: the shipped serving scenario (CloudMatrix-Infer's deployment under Poisson traffic),
 * bundled with the view (the other examples are fetched when picked).
 */
const DEFAULT_SCENARIO = { name: "cloudmatrix384-deepseek-r1-serving.yaml", text: DEFAULT_TEXT };

export function SimulateView({ params, setParams }: ViewProps) {
  const scenario = useScenario(params, setParams, DEFAULT_SCENARIO);
  const { state, start, cancel } = useManualJob<"simulate">();
  const [sweepOpen, setSweepOpen] = useState(false);
  const [runs, setRuns] = useState<{ current?: Run; previous?: Run; pending?: Omit<Run, "view"> }>({});
  // A finished run becomes the current one; the one before it is kept for comparison.
  if (state.status === "done" && runs.pending !== undefined && runs.current?.view !== state.value)
    setRuns({ current: { ...runs.pending, view: state.value }, previous: runs.current });
  const running = state.status === "running";
  const run = () => {
    setRuns((r) => ({ ...r, pending: { text: scenario.committedText, fileName: scenario.fileName } }));
    start({ kind: "simulate", text: scenario.committedText, fileName: scenario.fileName });
    void loadResults();
  };
  return (
    <div className="split simulate-view">
      <div>
        <section className="panel" aria-label="Run">
          <h2>Workload and SLOs</h2>
          <WorkloadKnobs text={scenario.text} onChange={(t) => scenario.setText(t, undefined, true)} />
          <RunControls
            state={state}
            runLabel="Run simulation"
            onRun={run}
            onCancel={cancel}
            progressLabel="Simulation progress"
            doneText={(done) => `Done: ${done.value.events.toLocaleString("en-US")} events.`}
          />
        </section>
        <section className="panel" aria-label="Scenario">
          <ScenarioEditor scenario={scenario} examples={EXAMPLES} />
        </section>
      </div>
      <div>
        {state.status === "error" && <ErrorBox error={state.error} />}
        {runs.current === undefined && state.status !== "error" && (
          <div className="panel empty">
            Run the simulation to see TTFT and TPOT distributions, throughput and queues over time, and SLO
            attainment.
          </div>
        )}
        {runs.current !== undefined && (
          <div className={running ? "stale" : undefined}>
            <Suspense fallback={<p className="status-line">Loading the results view…</p>}>
              <SimulateResults run={runs.current} previous={runs.previous} />
            </Suspense>
          </div>
        )}
        <details
          className="panel load-sweep-panel"
          aria-label="Load sweep"
          onToggle={(e) => setSweepOpen(sweepOpen || e.currentTarget.open)}
        >
          <summary>
            <h2>Load sweep: max load under the SLO</h2>
          </summary>
          <p className="hint">
            Runs this scenario at a series of arrival rates (only <code>workload.arrival.ratePerS</code> and
            the request count change) and plots TTFT/TPOT percentiles and SLO attainment against the load.
          </p>
          {sweepOpen && (
            <Suspense fallback={<p className="status-line">Loading the load sweep…</p>}>
              <LoadSweep text={scenario.committedText} fileName={scenario.fileName} />
            </Suspense>
          )}
        </details>
      </div>
    </div>
  );
}
