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
import { trainingReferenceCases } from "../training/reference-cases.ts";
import { type EstimateCache, endToEndCaseSpecs, predictEndToEndCase } from "./validate-end-to-end.ts";
import {
  type ErrorSummary,
  EVIDENCE_CHECKS,
  summarizeValidation,
  VALIDATION_KINDS,
  type ValidationCheck,
  type ValidationKind,
  type ValidationRow,
} from "./validation-rows.ts";

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
  collect("training", () => trainingReferenceCases());
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
