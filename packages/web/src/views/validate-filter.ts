/**
 * The Validate view's table state: which of core's reference cases are shown (kind, evidence or
 * by-construction checks, outside a ±threshold, a text search), in which order, and the summary of
 * the shown set. Pure functions over core's `ValidationRow`s; the summary is core's own
 * `summarizeValidation`, imported from its dependency-free module (core's models run in the worker).
 */
import type { ValidationKind, ValidationLabel, ValidationRow } from "@supernode/core";

/** Core's `VALIDATION_KINDS` in the default display order (end-to-end first). */
export const KIND_ORDER: readonly ValidationKind[] = [
  "end-to-end",
  "training",
  "energy",
  "fabric",
  "operator",
];

export type KindFilter = ValidationKind | "all";
export type CheckFilter = "all" | "evidence" | "construction";
export type SortKey = "default" | "id" | "kind" | "check" | "error";
export type SortDir = "asc" | "desc";

export interface ValidateFilter {
  readonly kind: KindFilter;
  readonly checks: CheckFilter;
  /** Only cases with |relative error| above this fraction (undefined: no threshold). */
  readonly outside: number | undefined;
  /** Every whitespace-separated term must occur in the id or the description (case-insensitive). */
  readonly query: string;
  readonly sort: SortKey;
  readonly dir: SortDir;
}

const KINDS: readonly KindFilter[] = ["all", "operator", "fabric", "end-to-end", "training", "energy"];
const CHECKS: readonly CheckFilter[] = ["all", "evidence", "construction"];
const SORTS: readonly SortKey[] = ["default", "id", "kind", "check", "error"];

/** Whether a label is evidence for the model rather than reproduced by construction (calibration, consistency). */
export function isEvidence(label: ValidationLabel): boolean {
  return label === "evidence";
}

/**
 * Reads the filter from the URL (`kind`, `checks`, `outside` in %, `q`, `sort`, `dir`); unknown values fall back to defaults.
 * @example readFilter(new URLSearchParams("kind=fabric&outside=10")).outside // 0.1
 */
export function readFilter(params: URLSearchParams): ValidateFilter {
  const kind = KINDS.find((k) => k === params.get("kind")) ?? "all";
  const checks = CHECKS.find((c) => c === params.get("checks")) ?? "all";
  const outsideText = params.get("outside");
  const outsidePct = outsideText === null || outsideText.trim() === "" ? Number.NaN : Number(outsideText);
  const outside = Number.isFinite(outsidePct) && outsidePct >= 0 ? outsidePct / 100 : undefined;
  const sort = SORTS.find((s) => s === params.get("sort")) ?? "default";
  const dir: SortDir = params.get("dir") === "asc" ? "asc" : "desc";
  return { kind, checks, outside, query: params.get("q") ?? "", sort, dir };
}

/**
 * Writes one setting into a copy of the URL parameters (a default value removes the parameter).
 * @example writeFilterParam(params, "kind", "all") // no kind= in the result
 */
export function writeFilterParam(params: URLSearchParams, key: string, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  const isDefault =
    value === "" ||
    (key === "kind" && value === "all") ||
    (key === "checks" && value === "all") ||
    (key === "sort" && value === "default");
  if (isDefault) next.delete(key);
  else next.set(key, value);
  return next;
}

/** |relative error|, with a case that failed (no finite error) counted as infinitely far off. */
function absError(r: ValidationRow): number {
  return Number.isFinite(r.relError) && r.error === undefined
    ? Math.abs(r.relError)
    : Number.POSITIVE_INFINITY;
}

/** Whether a row passes the filter (sorting aside). */
export function matchesFilter(r: ValidationRow, f: ValidateFilter): boolean {
  if (f.kind !== "all" && r.kind !== f.kind) return false;
  if (f.checks === "evidence" && !isEvidence(r.label)) return false;
  if (f.checks === "construction" && isEvidence(r.label)) return false;
  if (f.outside !== undefined && !(absError(r) > f.outside)) return false;
  const terms = f.query
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== "");
  const haystack = `${r.id} ${r.description}`.toLowerCase();
  return terms.every((t) => haystack.includes(t));
}

function compareBy(key: SortKey, a: ValidationRow, b: ValidationRow): number {
  switch (key) {
    case "default":
    case "kind":
      return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
    case "id":
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    case "check":
      return (
        Number(isEvidence(b.label)) - Number(isEvidence(a.label)) ||
        (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)
      );
    case "error":
      return absError(a) - absError(b) || 0;
  }
}

/**
 * The shown rows: filtered, then sorted. `default` is end-to-end first, then fabric, then operator,
 * each by |error| descending; other keys sort by that column (ties: |error| descending, then id).
 * @example filterRows(report.rows, readFilter(new URLSearchParams("kind=fabric&sort=id&dir=asc")))
 */
export function filterRows(rows: readonly ValidationRow[], f: ValidateFilter): readonly ValidationRow[] {
  const sign = f.sort === "default" ? 1 : f.dir === "asc" ? 1 : -1;
  const byError = (a: ValidationRow, b: ValidationRow) => {
    const d = absError(b) - absError(a);
    return Number.isNaN(d) ? 0 : d;
  };
  return rows
    .filter((r) => matchesFilter(r, f))
    .sort((a, b) => {
      const primary = f.sort === "error" ? -byError(a, b) : compareBy(f.sort, a, b);
      return sign * primary || byError(a, b) || compareBy("id", a, b);
    });
}
