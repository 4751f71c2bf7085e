/**
 * Validate: every prediction next to the published measurement it reproduces, with the relative
 * error and the source — the same cases as `supernode validate`. The error is part of the product.
 */

import { useMemo } from "react";
import { summarizeValidation } from "../../../core/src/report/validation-rows.ts";
import type { ViewProps } from "../app/app.tsx";
import { Chart } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { NumberField } from "../components/number-field.tsx";
import { lastValue, useJob } from "../worker/use-job.ts";
import { errorChart, scatterChart, scatterRows } from "./validate-charts.ts";
import {
  type CheckFilter,
  filterRows,
  type KindFilter,
  readFilter,
  type SortKey,
  writeFilterParam,
} from "./validate-filter.ts";
import { ValidateSummary } from "./validate-summary.tsx";
import { CheckLegend, ValidateTable } from "./validate-table.tsx";

const REQUEST = { kind: "validate" } as const;
const KIND_OPTIONS: readonly { readonly value: KindFilter; readonly label: string }[] = [
  { value: "all", label: "all kinds" },
  { value: "end-to-end", label: "end-to-end" },
  { value: "training", label: "training" },
  { value: "energy", label: "energy" },
  { value: "fabric", label: "fabric" },
  { value: "operator", label: "operator" },
];
const CHECK_OPTIONS: readonly { readonly value: CheckFilter; readonly label: string }[] = [
  { value: "all", label: "all checks" },
  { value: "evidence", label: "evidence only" },
  { value: "construction", label: "by construction only" },
];
/** The direction a column sorts in when first chosen. */
const FIRST_DIR: Record<SortKey, "asc" | "desc"> = {
  default: "desc",
  id: "asc",
  kind: "asc",
  check: "asc",
  error: "desc",
};

export function ValidateView({ params, setParams }: ViewProps) {
  const state = useJob(REQUEST);
  const result = lastValue(state);
  const filter = useMemo(() => readFilter(params), [params]);
  const rows = useMemo(() => filterRows(result?.rows ?? [], filter), [result, filter]);
  // A lower bound has no error to take a median of (docs/validation.md §3a).
  const shown = useMemo(() => summarizeValidation(rows.filter((r) => r.label !== "bound")), [rows]);
  const worst = useMemo(
    () =>
      [...rows]
        .filter((r) => Number.isFinite(r.relError))
        .sort((a, b) => Math.abs(b.relError) - Math.abs(a.relError) || (a.id < b.id ? -1 : 1))
        .slice(0, 30),
    [rows],
  );
  const chart = useMemo(() => errorChart(worst), [worst]);
  const plotted = useMemo(() => scatterRows(rows), [rows]);
  const scatter = useMemo(() => (plotted.length === 0 ? undefined : scatterChart(plotted)), [plotted]);
  const set = (key: string, value: string) => setParams(writeFilterParam(params, key, value));
  const onSort = (key: SortKey) => {
    const dir = key === filter.sort ? (filter.dir === "asc" ? "desc" : "asc") : FIRST_DIR[key];
    const next = writeFilterParam(writeFilterParam(params, "sort", key), "dir", dir);
    setParams(next);
  };
  const outsideText = params.get("outside") ?? "";
  const total = result?.rows.length ?? 0;
  return (
    <div className="validate-view">
      <JobStatus state={state} runningText="Running every reference case…" />
      {result !== undefined && (
        <>
          <section className="panel" aria-label="Filters">
            <div className="controls">
              <div className="field">
                <label htmlFor="validate-kind">Kind</label>
                <select id="validate-kind" value={filter.kind} onChange={(e) => set("kind", e.target.value)}>
                  {KIND_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="validate-checks">Checks</label>
                <select
                  id="validate-checks"
                  value={filter.checks}
                  onChange={(e) => set("checks", e.target.value)}
                >
                  {CHECK_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
              <NumberField
                label="Outside ± %"
                className="narrow"
                value={outsideText === "" ? undefined : Number(outsideText)}
                placeholder="any"
                rule={{ min: 0 }}
                step={1}
                knob="outside"
                onCommit={(v) => set("outside", String(v))}
                onClear={() => set("outside", "")}
              />
              <div className="field wide">
                <label htmlFor="validate-search">Search id or description</label>
                <input
                  id="validate-search"
                  type="search"
                  value={filter.query}
                  placeholder="e.g. all-to-all, cm384-1"
                  onChange={(e) => set("q", e.target.value)}
                />
              </div>
              {params.toString() !== "" && (
                <button type="button" onClick={() => setParams(new URLSearchParams())}>
                  Reset filters and order
                </button>
              )}
            </div>
          </section>
          <ValidateSummary shownRows={rows.length} total={total} shown={shown} report={result.summary} />
          <section className="panel" aria-label="Reference cases">
            <h2>Reference cases</h2>
            <p className="hint">
              Error = (prediction − published) ÷ published; green within ±10 %, amber within ±25 %. Published
              values are only compared with, never fed to the model. Default order: end-to-end, fabric,
              operator, each by |error| descending; click a column header to sort by it.
            </p>
            <CheckLegend />
            <ValidateTable rows={rows} sort={filter.sort} dir={filter.dir} onSort={onSort} />
          </section>
          {scatter !== undefined && (
            <section className="panel" aria-label="Predicted against published">
              <h2>Predicted against published ({plotted.length} cases, log-log)</h2>
              <Chart
                option={scatter}
                label={`Prediction against published value for ${plotted.length} shown reference cases, log-log, with the ±10 and ±20 percent bands`}
                height={420}
              />
              <p className="hint">
                Each point is a case (published value across, prediction up; units differ between cases, so
                read the distance from the diagonal). Solid: exact; dashed: ±10 %; dotted: ±20 %.
                {plotted.length < rows.length &&
                  ` ${rows.length - plotted.length} shown cases without two positive values are not plotted.`}
              </p>
            </section>
          )}
          {worst.length > 0 && (
            <section className="panel" aria-label="Largest errors">
              <h2>
                Largest errors
                {rows.length > worst.length ? ` (${worst.length} of ${rows.length} shown cases)` : ""}
              </h2>
              <Chart
                option={chart}
                label="Relative error of the shown reference cases with the largest errors"
                height={Math.max(200, 60 + 18 * worst.length)}
              />
            </section>
          )}
        </>
      )}
    </div>
  );
}
