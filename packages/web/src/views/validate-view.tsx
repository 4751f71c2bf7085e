/**
 * Validate: every prediction next to the published measurement it reproduces, with the relative
 * error and the source — the same cases as `supernode validate`. The error is part of the product.
 */

import type { ValidationKind, ValidationRow } from "@supernode/core";
import { useMemo } from "react";
import type { ViewProps } from "../app/app.tsx";
import { Chart, type ChartOption } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { lastValue, useJob } from "../worker/use-job.ts";

const REQUEST = { kind: "validate" } as const;
/** Core's `VALIDATION_KINDS` (the page imports only types from core: core runs in the worker). */
const VALIDATION_KINDS: readonly ValidationKind[] = ["operator", "fabric", "end-to-end"];
const KINDS: readonly (ValidationKind | "all")[] = ["all", ...VALIDATION_KINDS];

function errorClass(relError: number): string {
  if (!Number.isFinite(relError)) return "bad";
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

function errorChart(rows: readonly ValidationRow[]): ChartOption {
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
          value: Number.isFinite(r.relError) ? Number((r.relError * 100).toFixed(2)) : null,
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
  const worst = useMemo(
    () =>
      [...rows]
        .sort((a, b) => Math.abs(b.relError) - Math.abs(a.relError) || (a.id < b.id ? -1 : 1))
        .filter((r) => Number.isFinite(r.relError))
        .slice(0, 30),
    [rows],
  );
  const chart = useMemo(() => errorChart(worst), [worst]);
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
            {(["all", ...VALIDATION_KINDS] as const).map((k) => {
              const s = k === "all" ? result.summary : result.summary.byKind[k];
              return (
                <div className="kpi" key={k} data-kpi={`validate-${k}`}>
                  <div className="kpi-label">
                    {k} cases: {s.cases}
                    {k === "all" && result.summary.failed > 0 && `, ${result.summary.failed} failed to run`}
                  </div>
                  <div className="kpi-value">
                    <span className={errorClass(s.medianAbsRelError)}>
                      {(s.medianAbsRelError * 100).toFixed(1)}%
                    </span>
                    <span className="kpi-unit">
                      median |error|; max {(s.maxAbsRelError * 100).toFixed(1)}%
                      {s.worst === undefined ? "" : ` (${s.worst})`}
                    </span>
                  </div>
                </div>
              );
            })}
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
            <h2>
              Largest errors{rows.length > worst.length ? ` (${worst.length} of ${rows.length} cases)` : ""}
            </h2>
            <Chart
              option={chart}
              label="Relative error of the reference cases with the largest errors"
              height={Math.max(200, 60 + 18 * worst.length)}
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
                        <div className="hint">{r.kind}</div>
                      </th>
                      <td className="left">
                        {r.description}
                        {r.error !== undefined && <div className="bad">{r.error}</div>}
                      </td>
                      <td data-field="predicted">{formatNumber(r.prediction)}</td>
                      <td data-field="published">{formatNumber(r.published)}</td>
                      <td className="left unit">{r.unit}</td>
                      <td data-field="error" className={errorClass(r.relError)}>
                        {Number.isFinite(r.relError)
                          ? `${r.relError > 0 ? "+" : ""}${(r.relError * 100).toFixed(1)}%`
                          : "—"}
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
