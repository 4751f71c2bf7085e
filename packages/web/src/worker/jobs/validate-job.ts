/**
 * The Validate view's data: every reference case — a prediction next to the published
 * measurement it reproduces, with the relative error and the source. Cases come from the layers
 * that own them (operator microbenchmarks, end-to-end reference scenarios).
 */
import { endToEndReferenceCases, operatorReferenceCases } from "@supernode/core";

export type CaseKind = "operator" | "fabric" | "end-to-end";

export interface ValidateRow {
  /** Calibration record id (references/calibration.json). */
  readonly id: string;
  readonly kind: CaseKind;
  readonly description: string;
  readonly predicted: number;
  readonly published: number;
  readonly unit: string;
  /** (predicted − published) / published. */
  readonly relError: number;
  readonly source: string;
  /** How the case relates to the model's calibration, where the layer says ("held-out", "fitted", …). */
  readonly check?: string;
}

export interface ValidateResult {
  readonly rows: readonly ValidateRow[];
  readonly summary: readonly {
    readonly kind: CaseKind;
    readonly cases: number;
    readonly meanAbsRelError: number;
    readonly maxAbsRelError: number;
  }[];
}

/** Rows of every reference case, ordered by kind then id. */
export function validateJob(): ValidateResult {
  const rows: ValidateRow[] = [];
  const add = (
    kind: CaseKind,
    c: {
      id: string;
      description: string;
      predicted: number;
      published: number;
      unit: string;
      source: string;
      check?: string;
    },
  ) =>
    rows.push({
      id: c.id,
      kind,
      description: c.description,
      predicted: c.predicted,
      published: c.published,
      unit: c.unit,
      relError: (c.predicted - c.published) / c.published,
      source: c.source,
      ...(c.check === undefined ? {} : { check: c.check }),
    });
  for (const c of operatorReferenceCases()) add("operator", c);
  for (const c of endToEndReferenceCases()) add("end-to-end", c);
  const kinds: CaseKind[] = ["operator", "fabric", "end-to-end"];
  const summary = kinds.flatMap((kind) => {
    const errors = rows.filter((r) => r.kind === kind).map((r) => Math.abs(r.relError));
    if (errors.length === 0) return [];
    return [
      {
        kind,
        cases: errors.length,
        meanAbsRelError: errors.reduce((a, b) => a + b, 0) / errors.length,
        maxAbsRelError: Math.max(...errors),
      },
    ];
  });
  return { rows, summary };
}
