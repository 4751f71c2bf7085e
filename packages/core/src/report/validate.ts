/**
 * `supernode validate`: every reference case — operator microbenchmarks (`perf`), fabric
 * microbenchmarks (`network`) and end-to-end serving results (the reference scenarios) — with the
 * model's prediction, the published value, the relative error, the source and the case's label,
 * derived from the data (docs/validation.md): `calibration` when a data value was set from it (the
 * row lists those values), `consistency` when it reproduces by construction, `bound` when the
 * published figure is only a lower bound (checked as prediction ≥ published), `evidence` otherwise.
 * Duplicates are grouped and counted once in every summary. A case that fails to run is reported
 * with its error (the CLI then exits non-zero).
 */

import { builtinCatalog, calibrationLedger, type ReferenceComparison } from "../catalog/index.ts";
import { fabricReferenceCases } from "../network/index.ts";
import { fusedVectorTime, operatorReferenceCases } from "../perf/index.ts";
import { trainingReferenceCases } from "../training/index.ts";
import type { OperatingPoint } from "./operating-point.ts";
import { labelReferenceCases } from "./reference-labels.ts";
import { type EstimateCache, endToEndCaseSpecs, predictEndToEndCase } from "./validate-end-to-end.ts";
import { energyReferenceCases } from "./validate-energy.ts";
import {
  type BoundSummary,
  type ErrorSummary,
  type LabelSummary,
  summarizeBounds,
  summarizeByLabel,
  summarizeValidation,
  VALIDATION_KINDS,
  type ValidationKind,
  type ValidationLabel,
  type ValidationRow,
} from "./validation-rows.ts";

export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  readonly summary: ErrorSummary & {
    /** Rows (cases), before duplicates are grouped. */
    readonly rows: number;
    readonly failed: number;
    /** Per label: evidence, calibration, consistency, bound — each overall, per kind and per vendor. */
    readonly byLabel: Readonly<Record<ValidationLabel, LabelSummary>>;
    /** All labels together, per kind, with that kind's evidence alone. */
    readonly byKind: Readonly<Record<ValidationKind, ErrorSummary & { readonly evidence: ErrorSummary }>>;
    /** The lower-bound rows' check (prediction ≥ published), apart from every median. */
    readonly bounds: BoundSummary;
    /** The evidence rows' statistics (= byLabel.evidence). */
    readonly evidence: LabelSummary;
    /** `calibratedOn` ids in the data that name no reference case (only when every kind ran). */
    readonly unknownCalibrationIds: readonly string[];
  };
}

interface CaseLike extends ReferenceComparison {
  readonly vendor: string;
  readonly metric?: string;
  readonly point?: OperatingPoint;
}

type Unlabelled = Omit<ValidationRow, "label" | "group" | "sets"> & { readonly duplicateOf?: string };

function row(kind: ValidationKind, c: CaseLike): Unlabelled {
  return {
    id: c.id,
    kind,
    description: c.description,
    prediction: c.predicted,
    published: c.published,
    unit: c.unit,
    relError: (c.predicted - c.published) / c.published,
    source: c.source,
    vendor: c.vendor,
    role: c.role,
    ...(c.duplicateOf !== undefined ? { duplicateOf: c.duplicateOf } : {}),
    ...(c.bound !== undefined ? { bound: c.bound } : {}),
    ...(c.point !== undefined ? { point: c.point } : {}),
    ...(c.metric !== undefined && c.point !== undefined ? { metric: c.metric } : {}),
  };
}

function failed(kind: ValidationKind, id: string, error: unknown): Unlabelled {
  return {
    id,
    kind,
    description: "(failed to run)",
    prediction: Number.NaN,
    published: Number.NaN,
    unit: "",
    relError: Number.NaN,
    source: "",
    vendor: "",
    role: "prediction",
    error: error instanceof Error ? error.message : String(error),
  };
}

export interface ValidateOptions {
  /** Only these kinds (default: all). */
  readonly kinds?: readonly ValidationKind[];
}

/**
 * Each kind's rows, computed once per process: the reference cases are built in and the model
 * does not change within a process, so a second `validate` (a CLI test run, the CLI's tests of
 * each flag) labels the rows already computed. Callers get copies of the rows (see `validate`).
 */
const rowsByKind = new Map<ValidationKind, readonly Unlabelled[]>();

function collectRows(kinds: ReadonlySet<ValidationKind>): Unlabelled[] {
  return VALIDATION_KINDS.filter((k) => kinds.has(k)).flatMap((kind) => {
    let rows = rowsByKind.get(kind);
    if (rows === undefined) {
      rows = computeRows(kind);
      rowsByKind.set(kind, rows);
    }
    return rows;
  });
}

function computeRows(only: ValidationKind): Unlabelled[] {
  const kinds = new Set([only]);
  const rows: Unlabelled[] = [];
  const collect = (kind: ValidationKind, cases: () => readonly CaseLike[]) => {
    if (!kinds.has(kind)) return;
    try {
      for (const c of cases()) rows.push(row(kind, c));
    } catch (error) {
      rows.push(failed(kind, `${kind} cases`, error));
    }
  };
  collect("operator", () =>
    operatorReferenceCases().map((c) => ({ ...c, vendor: builtinCatalog().chip(c.chipId).vendor })),
  );
  collect("fabric", () => fabricReferenceCases({ combineReduction: fusedVectorTime }));
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
        const c = predictEndToEndCase(spec, cache);
        rows.push(row("end-to-end", { ...c, vendor: c.point.vendor }));
      } catch (error) {
        rows.push({ ...failed("end-to-end", spec.id, error), role: spec.role });
      }
    }
  }
  collect("training", () => trainingReferenceCases());
  collect("energy", () => energyReferenceCases());
  return rows;
}

/**
 * Runs every reference case and labels it.
 * @example const report = validate(); report.summary.byLabel.evidence.medianAbsRelError
 */
export function validate(options: ValidateOptions = {}): ValidationReport {
  const kinds = new Set(options.kinds ?? VALIDATION_KINDS);
  const unlabelled = collectRows(kinds);
  const ledger = calibrationLedger();
  const labelling = labelReferenceCases(unlabelled, ledger);
  const rows: ValidationRow[] = unlabelled.map(({ duplicateOf: _, ...r }) => {
    const l = labelling.byId.get(r.id);
    if (l === undefined) throw new Error(`internal: reference case ${r.id} was not labelled`);
    return { ...r, label: l.label, group: l.group, sets: l.sets };
  });
  const byLabel = summarizeByLabel(rows);
  // A lower bound has no error to take a median of: the all-label figures leave the bounds out.
  const measured = rows.filter((r) => r.label !== "bound");
  const byKind = Object.fromEntries(
    VALIDATION_KINDS.map((k) => {
      const of = measured.filter((r) => r.kind === k);
      return [k, { ...summarizeValidation(of), evidence: byLabel.evidence.byKind[k] }];
    }),
  ) as Record<ValidationKind, ErrorSummary & { evidence: ErrorSummary }>;
  return {
    rows,
    summary: {
      ...summarizeValidation(measured),
      rows: rows.length,
      failed: rows.filter((r) => r.error !== undefined).length,
      byLabel,
      byKind,
      bounds: summarizeBounds(rows),
      evidence: byLabel.evidence,
      unknownCalibrationIds: kinds.size === VALIDATION_KINDS.length ? labelling.unknownIds : [],
    },
  };
}
