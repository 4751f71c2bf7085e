/**
 * The rows of a validation report and their summary: plain data and one pure function, with no
 * dependency on the models, so the web page can summarise a filtered set of rows with exactly
 * core's rule without bundling the reference cases (`validate.ts` builds the rows).
 */
export type ValidationKind = "operator" | "fabric" | "end-to-end" | "training";

/**
 * How independent a comparison is. Evidence: `held-out` (a microbenchmark no fit used) and
 * `prediction` (a fabric or end-to-end case that set no parameter). Consistency checks: `fitted`
 * (the record fitted a profile value), `calibration` (the fabric record set a parameter),
 * `consistency` (the profile value is the record itself), `derived` (follows from another record).
 */
export type ValidationCheck =
  | "held-out"
  | "prediction"
  | "fitted"
  | "calibration"
  | "consistency"
  | "derived";

/** Checks that are evidence for the model (not reproduced by construction). */
export const EVIDENCE_CHECKS: readonly ValidationCheck[] = ["held-out", "prediction"];
export const VALIDATION_KINDS: readonly ValidationKind[] = ["operator", "fabric", "end-to-end", "training"];

export interface ValidationRow {
  /** Calibration record id (e.g. `cm384-106`). */
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
  /** How independent the comparison is (see `ValidationCheck`). */
  readonly check: ValidationCheck;
  /** Set when the case could not be evaluated. */
  readonly error?: string;
}

export interface ErrorSummary {
  readonly cases: number;
  readonly medianAbsRelError: number;
  readonly maxAbsRelError: number;
  /** Id of the case with the largest |error|. */
  readonly worst?: string;
}

/** Median and maximum |relative error| of rows that ran. */
export function summarizeValidation(rows: readonly ValidationRow[]): ErrorSummary {
  const ok = rows.filter((r) => r.error === undefined && Number.isFinite(r.relError));
  const abs = ok.map((r) => Math.abs(r.relError)).sort((a, b) => a - b);
  const n = abs.length;
  const median =
    n === 0 ? 0 : n % 2 === 1 ? (abs[(n - 1) / 2] ?? 0) : ((abs[n / 2 - 1] ?? 0) + (abs[n / 2] ?? 0)) / 2;
  let worst: ValidationRow | undefined;
  for (const r of ok) if (worst === undefined || Math.abs(r.relError) > Math.abs(worst.relError)) worst = r;
  return {
    cases: n,
    medianAbsRelError: median,
    maxAbsRelError: abs[n - 1] ?? 0,
    ...(worst !== undefined ? { worst: worst.id } : {}),
  };
}
