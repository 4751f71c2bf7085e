/**
 * The Simulate view's load sweep (its own chunk, loaded when opened): runs the scenario at evenly
 * spaced arrival rates in a worker (progress, Cancel), plots TTFT/TPOT percentiles and SLO
 * attainment against the load, and names the max load meeting the SLO. The scenario's other
 * settings are the document's; only `workload.arrival.ratePerS` and the request count vary.
 */
import { useMemo, useState } from "react";
import { readKnob } from "../app/scenario-doc.ts";
import { Chart } from "../components/chart.tsx";
import { ErrorBox } from "../components/error-box.tsx";
import { NumberField } from "../components/number-field.tsx";
import { RunControls } from "../components/run-controls.tsx";
import type { LoadSweepResult } from "../worker/jobs/load-sweep-job.ts";
import { useManualJob } from "../worker/use-job.ts";
import { sweepAttainmentChart, sweepLatencyChart } from "./load-sweep-charts.ts";

/**
 * `points` evenly spaced rates from `from` to `to`, 3 significant digits.
 * @example sweepRates(30, 240, 4) // [30, 100, 170, 240]
 */
export function sweepRates(from: number, to: number, points: number): number[] {
  const n = Math.max(1, Math.floor(points));
  if (n === 1 || to <= from) return [from];
  return Array.from({ length: n }, (_, i) => Number((from + ((to - from) * i) / (n - 1)).toPrecision(3)));
}

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });

function Verdict({ sweep }: { sweep: LoadSweepResult }) {
  const target = `${fmt(sweep.target * 100, 1)} %`;
  const lowest = sweep.points[0]?.ratePerS ?? 0;
  const highest = sweep.points[sweep.points.length - 1]?.ratePerS ?? 0;
  return (
    <p
      className={sweep.maxRatePerS === undefined ? "run-warning error" : "sweep-verdict"}
      data-max-rate={sweep.maxRatePerS ?? "none"}
    >
      {sweep.maxRatePerS === undefined ? (
        <>
          Even the lowest rate swept ({fmt(lowest, 3)} requests/s) misses the SLO target ({target}{" "}
          attainment).
        </>
      ) : (
        <>
          <strong>Max load meeting the SLO: {fmt(sweep.maxRatePerS, 3)} requests/s</strong> (SLO attainment ≥{" "}
          {target} at it and every lower rate swept;{" "}
          {sweep.firstMissPerS === undefined
            ? `every rate up to ${fmt(highest, 3)} requests/s meets it: sweep higher to find the limit`
            : `${fmt(sweep.firstMissPerS, 3)} requests/s misses it: the limit lies in between`}
          ).
        </>
      )}{" "}
      <span className="hint">
        {fmt(sweep.requestsPerPoint)} requests per point: a short run can hide a slowly growing queue.
      </span>
    </p>
  );
}

export function LoadSweep({ text, fileName }: { text: string; fileName: string }) {
  const docRate = readKnob(text, ["workload", "arrival", "ratePerS"]);
  const docRequests = readKnob(text, ["workload", "requests"]);
  const rate = typeof docRate === "number" && docRate > 0 ? docRate : undefined;
  const [from, setFrom] = useState<number | undefined>(undefined);
  const [to, setTo] = useState<number | undefined>(undefined);
  const [points, setPoints] = useState(6);
  const [requests, setRequests] = useState(
    typeof docRequests === "number" ? Math.min(docRequests, 1000) : 1000,
  );
  const [targetPct, setTargetPct] = useState(90);
  const lo = from ?? (rate === undefined ? 1 : Number((rate / 4).toPrecision(3)));
  const hi = to ?? (rate === undefined ? 10 : Number((rate * 2).toPrecision(3)));
  const { state, start, cancel } = useManualJob<"loadSweep">();
  const sweep = state.status === "done" ? state.value : undefined;
  const charts = useMemo(
    () =>
      sweep === undefined
        ? undefined
        : {
            ttft: sweepLatencyChart(sweep, "ttft"),
            tpot: sweepLatencyChart(sweep, "tpot"),
            attainment: sweepAttainmentChart(sweep),
          },
    [sweep],
  );
  return (
    <div className="load-sweep">
      <div className="knob-grid">
        <NumberField
          label="From (requests/s)"
          value={lo}
          rule={{ min: 0.001 }}
          step={1}
          knob="sweep.from"
          onCommit={setFrom}
        />
        <NumberField
          label="To (requests/s)"
          value={hi}
          rule={{ min: 0.001 }}
          step={1}
          knob="sweep.to"
          onCommit={setTo}
        />
        <NumberField
          label="Points"
          value={points}
          rule={{ min: 2, max: 24, integer: true }}
          step={1}
          knob="sweep.points"
          onCommit={setPoints}
        />
        <NumberField
          label="Requests per point"
          value={requests}
          rule={{ min: 10, integer: true }}
          step={100}
          knob="sweep.requests"
          onCommit={setRequests}
        />
        <NumberField
          label="Target SLO attainment (%)"
          value={targetPct}
          rule={{ min: 1, max: 100 }}
          step={1}
          knob="sweep.target"
          onCommit={setTargetPct}
        />
      </div>
      <RunControls
        state={state}
        runLabel="Run load sweep"
        onRun={() =>
          start({
            kind: "loadSweep",
            text,
            fileName,
            ratesPerS: sweepRates(lo, hi, points),
            requests,
            target: targetPct / 100,
          })
        }
        onCancel={cancel}
        cancelLabel="Cancel sweep"
        progressLabel="Load sweep progress"
        cancelledText="Sweep cancelled: the worker was stopped."
        idleText={`Rates: ${sweepRates(lo, hi, points).join(", ")} requests/s.`}
        statusAttribute="data-sweep-status"
      />
      {state.status === "error" && <ErrorBox error={state.error} />}
      {sweep !== undefined && charts !== undefined && (
        <>
          <Verdict sweep={sweep} />
          <h3>SLO attainment</h3>
          <Chart option={charts.attainment} label="SLO attainment against the arrival rate" height={220} />
          <h3>TTFT percentiles</h3>
          <Chart option={charts.ttft} label="TTFT p50, p90 and p99 against the arrival rate" height={220} />
          <h3>TPOT percentiles</h3>
          <Chart option={charts.tpot} label="TPOT p50, p90 and p99 against the arrival rate" height={220} />
          <SweepTable sweep={sweep} />
        </>
      )}
    </div>
  );
}

function SweepTable({ sweep }: { sweep: LoadSweepResult }) {
  return (
    <div className="sweep-table-scroll">
      <table className="data sweep-table">
        <caption className="left">Points of the sweep</caption>
        <thead>
          <tr>
            <th scope="col">requests/s</th>
            <th scope="col">TTFT p50 / p99 (s)</th>
            <th scope="col">TPOT p50 / p99 (ms)</th>
            <th scope="col">SLO attainment</th>
            <th scope="col">goodput (req/s)</th>
            <th scope="col">output tok/s per chip</th>
          </tr>
        </thead>
        <tbody>
          {sweep.points.map((p) => (
            <tr
              key={p.ratePerS}
              data-rate={p.ratePerS}
              className={p.attainment < sweep.target ? "misses" : undefined}
            >
              <th scope="row">{fmt(p.ratePerS, 3)}</th>
              <td>
                {fmt(p.ttftS.p50, 3)} / {fmt(p.ttftS.p99, 3)}
              </td>
              <td>
                {fmt(p.tpotS.p50 * 1e3, 1)} / {fmt(p.tpotS.p99 * 1e3, 1)}
              </td>
              <td data-attainment={p.attainment}>{fmt(p.attainment * 100, 1)} %</td>
              <td>{fmt(p.goodputRequestsPerS, 1)}</td>
              <td>{fmt(p.outputTokensPerSPerChip)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
