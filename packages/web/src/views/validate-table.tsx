/**
 * The Validate view's table: one compact row per reference case (core's `ValidationRow`), sortable
 * column headers (buttons with `aria-sort`), long descriptions and sources clipped to one line with
 * the full text on hover and keyboard focus, and the legend of the `check` column.
 */

import type { ValidationLabel, ValidationRow } from "@supernode/core";
import { formatHash } from "../app/route.ts";
import { isEvidence, type SortDir, type SortKey } from "./validate-filter.ts";

/** What each label means (core's `ValidationLabel`, derived from the data; docs/validation.md). */
export const CHECK_LEGEND: readonly { readonly check: ValidationLabel; readonly text: string }[] = [
  { check: "evidence", text: "a prediction that no model value was set from" },
  {
    check: "calibration",
    text: "a model value was set or chosen from this measurement (or a duplicate of it)",
  },
  { check: "consistency", text: "the model's value is the measurement itself" },
  {
    check: "bound",
    text: "the published figure is a lower bound (checked as prediction ≥ published), in no median",
  },
];

export function errorClass(relError: number): string {
  if (!Number.isFinite(relError)) return "bad";
  const e = Math.abs(relError);
  return e <= 0.1 ? "good" : e <= 0.25 ? "warn" : "bad";
}

export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Signed relative error in percent with one decimal, e.g. "+2.9%". */
export function formatError(relError: number): string {
  return Number.isFinite(relError) ? `${relError > 0 ? "+" : ""}${(relError * 100).toFixed(1)}%` : "—";
}

/**
 * A short label for a source: parenthesised provenance with URLs dropped, a leading URL replaced by
 * its last path segment (e.g. the repository name).
 * @example sourceLabel("arXiv:2506.12708v2 (https://arxiv.org/abs/2506.12708v2) Table 4", ...) // "arXiv:2506.12708v2 Table 4"
 */
export function sourceLabel(text: string, url: string, at: number): string {
  const lead =
    at === 0 ? `${url.replace(/\/+$/, "").split("/").pop() ?? ""} ${text.slice(url.length)}` : text;
  const label = lead
    .replace(/\s*\([^()]*https?:\/\/[^()]*\)/g, "")
    .replace(/https?:\/\/[^\s),;]+/g, "")
    .replace(/\(\s*\)/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[,;]\s*|[,;]$/g, "")
    .trim();
  return label === "" ? url.replace(/^https?:\/\//, "") : label;
}

/** The source as one clipped link: text without its URL, the URL in the link's title. */
function SourceLink({ text }: { text: string }) {
  const match = /https?:\/\/[^\s),]+/.exec(text);
  if (match === null) {
    return (
      // biome-ignore lint/a11y/noNoninteractiveTabindex: focus reveals the full clipped text
      <span className="clip" tabIndex={0} title={text}>
        {text}
      </span>
    );
  }
  const label = sourceLabel(text, match[0], match.index);
  return (
    <a className="clip" href={match[0]} target="_blank" rel="noreferrer" title={`${text}\n${match[0]}`}>
      {label}
    </a>
  );
}

const COLUMNS: readonly {
  readonly key: SortKey | undefined;
  readonly label: string;
  readonly left: boolean;
}[] = [
  { key: "id", label: "Case", left: true },
  { key: "kind", label: "Kind", left: true },
  { key: "check", label: "Check", left: true },
  { key: undefined, label: "What", left: true },
  { key: undefined, label: "Prediction", left: false },
  { key: undefined, label: "Published", left: false },
  { key: undefined, label: "Unit", left: true },
  { key: "error", label: "Error", left: false },
  { key: undefined, label: "Source", left: true },
];

export interface ValidateTableProps {
  readonly rows: readonly ValidationRow[];
  readonly sort: SortKey;
  readonly dir: SortDir;
  /** Called with the column's key when its header is activated. */
  readonly onSort: (key: SortKey) => void;
}

export function ValidateTable({ rows, sort, dir, onSort }: ValidateTableProps) {
  return (
    <div className="table-scroll validate-scroll">
      <table className="data validate-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = c.key !== undefined && c.key === sort;
              const ariaSort = active ? (dir === "asc" ? "ascending" : "descending") : undefined;
              return (
                <th key={c.label} scope="col" className={c.left ? "left" : undefined} aria-sort={ariaSort}>
                  {c.key === undefined ? (
                    c.label
                  ) : (
                    <button
                      type="button"
                      className="sort-button"
                      data-sort={c.key}
                      onClick={() => onSort(c.key ?? "default")}
                      title={`Sort by ${c.label.toLowerCase()}`}
                    >
                      {c.label}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (dir === "asc" ? " ▲" : " ▼") : " ↕"}
                      </span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.id}:${r.kind}:${r.description}`} data-case={r.id} data-kind={r.kind}>
              <th scope="row" className="left mono">
                {r.id}
                {r.kind === "end-to-end" && (
                  <a
                    className="open-in-estimate"
                    href={formatHash("estimate", new URLSearchParams({ case: r.id }))}
                    title={`Open the scenario of ${r.id} (with its overrides) in Estimate`}
                  >
                    open in Estimate
                  </a>
                )}
              </th>
              <td className="left kind-cell" data-label="Kind">
                {r.kind}
              </td>
              <td className="left" data-label="Check">
                <span
                  className={`check-badge ${isEvidence(r.label) ? "evidence" : "construction"}`}
                  data-field="check"
                  title={
                    r.sets.length > 0
                      ? `sets ${r.sets.map((v) => `${v.file} ${v.path}`).join("; ")}`
                      : undefined
                  }
                >
                  {r.label}
                </span>
              </td>
              <td className="left what-cell" data-label="What">
                {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focus reveals the full clipped text */}
                <span className="clip" tabIndex={0} title={r.description}>
                  {r.description}
                </span>
                {r.error !== undefined && <div className="bad">{r.error}</div>}
              </td>
              <td data-field="predicted" data-label="Predicted">
                {formatNumber(r.prediction)}
              </td>
              <td data-field="published" data-label="Published">
                {formatNumber(r.published)}
              </td>
              <td className="left unit" data-label="Unit">
                {r.unit}
              </td>
              <td data-field="error" data-label="Error" className={errorClass(r.relError)}>
                {formatError(r.relError)}
              </td>
              <td className="left source-cell" data-label="Source">
                <SourceLink text={r.source} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="hint empty-rows">No case matches these filters.</p>}
    </div>
  );
}

/** The legend of the check column: evidence vs reproduced by construction. */
export function CheckLegend() {
  return (
    <section className="check-legend" aria-label="What the check column means">
      <p className="hint">
        <strong>Evidence</strong> compares the model with a measurement it was not built from;{" "}
        <strong>by construction</strong> reproduces a record the model was fitted to or set from, so a small
        error there only shows consistency.
      </p>
      <dl>
        {CHECK_LEGEND.map((c) => (
          <div key={c.check}>
            <dt>
              <span className={`check-badge ${isEvidence(c.check) ? "evidence" : "construction"}`}>
                {c.check}
              </span>
            </dt>
            <dd>
              {isEvidence(c.check)
                ? "evidence: "
                : c.check === "bound"
                  ? "not a point: "
                  : "by construction: "}
              {c.text}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
