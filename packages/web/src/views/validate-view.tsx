/**
 * Validate: every prediction next to the published measurement it reproduces, with the relative
 * error and the source — the same cases as `supernode validate`. The error is part of the product.
 */
import { useMemo } from "react";
import type { ViewProps } from "../app/app.tsx";
import { Chart, type ChartOption } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import type { CaseKind, ValidateRow } from "../worker/jobs/validate-job.ts";
import { lastValue, useJob } from "../worker/use-job.ts";

const REQUEST = { kind: "validate" } as const;
const KINDS: readonly (CaseKind | "all")[] = ["all", "operator", "fabric", "end-to-end"];

function errorClass(relError: number): string {
  const e = Math.abs(relError);
  return e <= 0.1 ? "good" : e <= 0.25 ? "warn" : "bad";
}

function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Source text with its first URL as a link. */
function SourceText({ text }: { text: string }) {
  const match = /https?:\/\/[^\s),]+/.exec(text);
  if (match === null) return <>{text}</>;
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  return (
    <>
      {before}
      <a href={match[0]} target="_blank" rel="noreferrer">
        {match[0].replace(/^https?:\/\//, "")}
      </a>
      {after}
    </>
  );
}

function errorChart(rows: readonly ValidateRow[]): ChartOption {
  return {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: number) => `${v.toFixed(1)}%`,
    },
    grid: { left: 130, right: 24, top: 24, bottom: 24 },
    xAxis: { type: "value", name: "error %", position: "top" },
    yAxis: { type: "category", data: rows.map((r) => r.id), inverse: true, axisLabel: { fontSize: 10 } },
    series: [
      {
        type: "bar",
        name: "relative error",
        data: rows.map((r) => ({
          value: Number((r.relError * 100).toFixed(2)),
          itemStyle: { color: { good: "#2e7d32", warn: "#d08c00", bad: "#b3261e" }[errorClass(r.relError)] },
        })),
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { color: "#888", type: "dotted" },
          data: [{ xAxis: -10 }, { xAxis: 10 }],
        },
      },
    ],
  };
}

export function ValidateView({ params, setParams }: ViewProps) {
  const state = useJob(REQUEST);
  const result = lastValue(state);
  const kindParam = params.get("kind");
  const kind = KINDS.find((k) => k === kindParam) ?? "all";
  const rows = useMemo(
    () => (result?.rows ?? []).filter((r) => kind === "all" || r.kind === kind),
    [result, kind],
  );
  const chart = useMemo(() => errorChart(rows), [rows]);
  const setKind = (k: string) => {
    const next = new URLSearchParams(params);
    if (k === "all") next.delete("kind");
    else next.set("kind", k);
    setParams(next);
  };
  return (
    <div className="validate-view">
      <JobStatus state={state} runningText="Running every reference case…" />
      {result !== undefined && (
        <>
          <div className="kpis">
            {result.summary.map((s) => (
              <div className="kpi" key={s.kind} data-kpi={`validate-${s.kind}`}>
                <div className="kpi-label">
                  {s.kind} cases: {s.cases}
                </div>
                <div className="kpi-value">
                  <span className={errorClass(s.meanAbsRelError)}>
                    {(s.meanAbsRelError * 100).toFixed(1)}%
                  </span>
                  <span className="kpi-unit">mean |error|, max {(s.maxAbsRelError * 100).toFixed(1)}%</span>
                </div>
              </div>
            ))}
          </div>
          <section className="panel" aria-label="Reference cases">
            <div className="controls">
              <label className="field">
                <span>Cases</span>
                <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Kind of case">
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              </label>
              <p className="hint">
                Error = (prediction − published) ÷ published; green within ±10 %, amber within ±25 %.
                Published values are only compared with, never fed to the model.
              </p>
            </div>
            <Chart
              option={chart}
              label="Relative error of each reference case"
              height={Math.max(200, 60 + 18 * rows.length)}
            />
            <div className="table-scroll">
              <table className="data validate-table">
                <thead>
                  <tr>
                    <th scope="col">Case</th>
                    <th scope="col" className="left">
                      What
                    </th>
                    <th scope="col">Prediction</th>
                    <th scope="col">Published</th>
                    <th scope="col" className="left">
                      Unit
                    </th>
                    <th scope="col">Error</th>
                    <th scope="col" className="left">
                      Source
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.id}:${r.kind}:${r.description}`} data-case={r.id}>
                      <th scope="row" className="left mono">
                        {r.id}
                        <div className="hint">
                          {r.kind}
                          {r.check === undefined ? "" : ` · ${r.check}`}
                        </div>
                      </th>
                      <td className="left">{r.description}</td>
                      <td data-field="predicted">{formatNumber(r.predicted)}</td>
                      <td data-field="published">{formatNumber(r.published)}</td>
                      <td className="left unit">{r.unit}</td>
                      <td data-field="error" className={errorClass(r.relError)}>
                        {r.relError > 0 ? "+" : ""}
                        {(r.relError * 100).toFixed(1)}%
                      </td>
                      <td className="left source-cell">
                        <SourceText text={r.source} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
