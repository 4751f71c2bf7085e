/**
 * The rows of a validation report and their summaries: plain data and pure functions, with no
 * dependency on the models, so the web page can summarise a filtered set of rows with exactly
 * core's rule without bundling the reference cases (`validate.ts` builds the rows).
 *
 * Labels (docs/validation.md) are derived, never written on a record: a case is `calibration` when
 * any data value names it (or a case it duplicates) in `calibratedOn`; `consistency` when its record
 * says the comparison reproduces by construction; `evidence` only when it is a prediction that
 * nothing was set from; `bound` when its record says the published figure is only a lower bound on
 * what the metric computes (`bound: lower`; the check is prediction ≥ published, summarized apart by
 * `summarizeBounds`, never in an error median). Duplicates (the same measurement in another unit, or one published range
 * counted per point) form a group, and every statistic counts a group once.
 */
import type { OperatingPoint } from "./operating-point.ts";

export type ValidationKind = "operator" | "fabric" | "end-to-end" | "training" | "energy";
export const VALIDATION_KINDS: readonly ValidationKind[] = [
  "operator",
  "fabric",
  "end-to-end",
  "training",
  "energy",
];

export type ValidationLabel = "evidence" | "calibration" | "consistency" | "bound";
export const VALIDATION_LABELS: readonly ValidationLabel[] = [
  "evidence",
  "calibration",
  "consistency",
  "bound",
];

/** A data value set from a reference case (a `calibratedOn` entry of the calibration ledger). */
export interface SetValue {
  /** Data file, relative to packages/core/data. */
  readonly file: string;
  /** Dotted path in the file. */
  readonly path: string;
  readonly value: unknown;
}

export interface ValidationRow {
  /** Calibration record id (e.g. `cm384-106`; multi-part records `record:part`). */
  readonly id: string;
  readonly kind: ValidationKind;
  readonly description: string;
  /** Model prediction, in `unit`; NaN when the case failed to run. */
  readonly prediction: number;
  readonly published: number;
  readonly unit: string;
  /** (prediction − published) / published. */
  readonly relError: number;
  readonly source: string;
  /** Vendor of the chip or system measured (`Huawei`, `NVIDIA`). */
  readonly vendor: string;
  /** What the record says it is: a prediction, or a consistency check. */
  readonly role: "prediction" | "consistency";
  /** Derived from the data (see the file header). */
  readonly label: ValidationLabel;
  /** Id of the group's first case (this id when the case duplicates nothing). */
  readonly group: string;
  /** Values set from this case or from a case of its group (empty for evidence). */
  readonly sets: readonly SetValue[];
  /** `lower`: the published figure is a lower bound (label `bound`; check: prediction ≥ published). */
  readonly bound?: "lower";
  /** End-to-end cases: the metric (`tpot-ms`, `decode-tokens-per-s-per-chip`, …) and where it was measured. */
  readonly metric?: string;
  readonly point?: OperatingPoint;
  /** Set when the case could not be evaluated. */
  readonly error?: string;
}

export interface ErrorSummary {
  /** Measurements counted: groups of duplicates count once. */
  readonly cases: number;
  readonly medianAbsRelError: number;
  readonly maxAbsRelError: number;
  /** Id of the case with the largest |error|. */
  readonly worst?: string;
}

/** One label's statistics, overall, per kind and per vendor. */
export interface LabelSummary extends ErrorSummary {
  readonly byKind: Readonly<Record<ValidationKind, ErrorSummary>>;
  readonly byVendor: Readonly<Record<string, ErrorSummary>>;
}

/**
 * One row per group of duplicates that ran: the group's first case, or the first member present
 * when that one is filtered out or failed.
 */
export function groupRepresentatives(rows: readonly ValidationRow[]): ValidationRow[] {
  const ok = rows.filter((r) => r.error === undefined && Number.isFinite(r.relError));
  const byGroup = new Map<string, ValidationRow>();
  for (const r of ok) {
    const seen = byGroup.get(r.group);
    if (seen === undefined || (r.id === r.group && seen.id !== seen.group)) byGroup.set(r.group, r);
  }
  return [...byGroup.values()];
}

/** Median and maximum |relative error| over the groups of `rows` that ran (a group counts once). */
export function summarizeValidation(rows: readonly ValidationRow[]): ErrorSummary {
  const reps = groupRepresentatives(rows);
  const abs = reps.map((r) => Math.abs(r.relError)).sort((a, b) => a - b);
  const n = abs.length;
  const median =
    n === 0 ? 0 : n % 2 === 1 ? (abs[(n - 1) / 2] ?? 0) : ((abs[n / 2 - 1] ?? 0) + (abs[n / 2] ?? 0)) / 2;
  let worst: ValidationRow | undefined;
  for (const r of reps) if (worst === undefined || Math.abs(r.relError) > Math.abs(worst.relError)) worst = r;
  return {
    cases: n,
    medianAbsRelError: median,
    maxAbsRelError: abs[n - 1] ?? 0,
    ...(worst !== undefined ? { worst: worst.id } : {}),
  };
}

/** The lower-bound cases: how many the prediction meets (prediction ≥ published), and the largest shortfall. */
export interface BoundSummary {
  /** Bounds counted: groups of duplicates count once. */
  readonly cases: number;
  /** Cases whose prediction is at or above the published lower bound. */
  readonly held: number;
  /** The largest shortfall, published / prediction − 1 (0 when every bound holds), and its case. */
  readonly maxShortfall: number;
  readonly worst?: string;
}

/**
 * The lower-bound rows' check: prediction ≥ published (a group counts once).
 * @example summarizeBounds(validate().rows).held
 */
export function summarizeBounds(rows: readonly ValidationRow[]): BoundSummary {
  const reps = groupRepresentatives(rows.filter((r) => r.bound === "lower"));
  let worst: ValidationRow | undefined;
  let maxShortfall = 0;
  for (const r of reps) {
    const shortfall = r.published / r.prediction - 1;
    if (shortfall > maxShortfall) {
      maxShortfall = shortfall;
      worst = r;
    }
  }
  return {
    cases: reps.length,
    held: reps.filter((r) => r.prediction >= r.published).length,
    maxShortfall,
    ...(worst !== undefined ? { worst: worst.id } : {}),
  };
}

/** Statistics of one label's rows, overall, per kind and per vendor. */
export function summarizeLabel(rows: readonly ValidationRow[], label: ValidationLabel): LabelSummary {
  const of = rows.filter((r) => r.label === label);
  const vendors = [...new Set(of.map((r) => r.vendor))].sort();
  return {
    ...summarizeValidation(of),
    byKind: Object.fromEntries(
      VALIDATION_KINDS.map((k) => [k, summarizeValidation(of.filter((r) => r.kind === k))]),
    ) as Record<ValidationKind, ErrorSummary>,
    byVendor: Object.fromEntries(
      vendors.map((v) => [v, summarizeValidation(of.filter((r) => r.vendor === v))]),
    ),
  };
}

/** Every label's statistics. */
export function summarizeByLabel(rows: readonly ValidationRow[]): Record<ValidationLabel, LabelSummary> {
  return Object.fromEntries(VALIDATION_LABELS.map((l) => [l, summarizeLabel(rows, l)])) as Record<
    ValidationLabel,
    LabelSummary
  >;
}
