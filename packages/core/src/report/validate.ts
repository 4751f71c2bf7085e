/**
 * `supernode validate`: every reference case — operator microbenchmarks (`perf`), fabric
 * microbenchmarks (`network`) and end-to-end serving results (the reference scenarios) — with the
 * model's prediction, the published value, the relative error and the source, plus the median and
 * maximum absolute error. Case ids are the calibration record ids. A case that fails to run is
 * reported with its error (the CLI then exits non-zero).
 */
import type { ReferenceComparison } from "../catalog/reference-comparison.ts";
import { fabricReferenceCases } from "../network/reference-cases.ts";
import { operatorReferenceCases, type ReferenceCheck } from "../perf/reference-cases.ts";
import { type EstimateCache, endToEndCaseSpecs, predictEndToEndCase } from "./validate-end-to-end.ts";

export type ValidationKind = "operator" | "fabric" | "end-to-end";

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
export const VALIDATION_KINDS: readonly ValidationKind[] = ["operator", "fabric", "end-to-end"];

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

export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  readonly summary: ErrorSummary & {
    readonly failed: number;
    readonly byKind: Readonly<Record<ValidationKind, ErrorSummary & { readonly evidence: ErrorSummary }>>;
    /** The same statistics over evidence rows only (held-out and prediction). */
    readonly evidence: ErrorSummary;
  };
}

interface CaseLike extends ReferenceComparison {
  /** Operator cases: their check. */
  readonly check?: ReferenceCheck;
  /** Fabric cases: true when the record set a parameter. */
  readonly calibration?: boolean;
}

function checkOf(c: CaseLike): ValidationCheck {
  if (c.check !== undefined) return c.check;
  return c.calibration === true ? "calibration" : "prediction";
}

function row(kind: ValidationKind, c: CaseLike): ValidationRow {
  return {
    id: c.id,
    kind,
    description: c.description,
    prediction: c.predicted,
    published: c.published,
    unit: c.unit,
    relError: (c.predicted - c.published) / c.published,
    source: c.source,
    check: checkOf(c),
  };
}

function failed(kind: ValidationKind, id: string, error: unknown): ValidationRow {
  return {
    id,
    kind,
    description: "(failed to run)",
    prediction: Number.NaN,
    published: Number.NaN,
    unit: "",
    relError: Number.NaN,
    source: "",
    check: "prediction",
    error: error instanceof Error ? error.message : String(error),
  };
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

export interface ValidateOptions {
  /** Only these kinds (default: all). */
  readonly kinds?: readonly ValidationKind[];
}

/**
 * Runs every reference case.
 * @example const report = validate(); report.summary.medianAbsRelError; report.rows.filter((r) => r.kind === "end-to-end")
 */
export function validate(options: ValidateOptions = {}): ValidationReport {
  const kinds = new Set(options.kinds ?? VALIDATION_KINDS);
  const rows: ValidationRow[] = [];
  const collect = (kind: ValidationKind, cases: () => readonly CaseLike[]) => {
    if (!kinds.has(kind)) return;
    try {
      for (const c of cases()) rows.push(row(kind, c));
    } catch (error) {
      rows.push(failed(kind, `${kind} cases`, error));
    }
  };
  collect("operator", () => operatorReferenceCases());
  collect("fabric", () => fabricReferenceCases());
  if (kinds.has("end-to-end")) {
    const cache: EstimateCache = new Map();
    let specs: ReturnType<typeof endToEndCaseSpecs> = [];
    try {
      specs = endToEndCaseSpecs();
    } catch (error) {
      rows.push(failed("end-to-end", "end-to-end cases", error));
    }
    for (const spec of specs) {
      try {
        rows.push(row("end-to-end", predictEndToEndCase(spec, cache)));
      } catch (error) {
        rows.push(failed("end-to-end", spec.id, error));
      }
    }
  }
  const evidence = (list: readonly ValidationRow[]) =>
    summarizeValidation(list.filter((r) => EVIDENCE_CHECKS.includes(r.check)));
  const byKind = Object.fromEntries(
    VALIDATION_KINDS.map((k) => {
      const of = rows.filter((r) => r.kind === k);
      return [k, { ...summarizeValidation(of), evidence: evidence(of) }];
    }),
  ) as Record<ValidationKind, ErrorSummary & { evidence: ErrorSummary }>;
  return {
    rows,
    summary: {
      ...summarizeValidation(rows),
      failed: rows.filter((r) => r.error !== undefined).length,
      byKind,
      evidence: evidence(rows),
    },
  };
}
