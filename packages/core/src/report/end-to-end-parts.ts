/**
 * The end-to-end ledger predicted in parts, one process per part, and a part's predictions taken
 * into another process's memo: the cases are most of `validate()`'s CPU (the offline searches and
 * the Server rate searches), one case never needs another's estimate outside its scenario run, and
 * a process that adopts the other parts' predictions then runs `validate()` on them instead of
 * predicting every case itself (the test suite's ledger worker: scripts/test-shared-ledger.ts). A
 * part holds whole scenario runs (`caseRunsPart`), so no estimate is made twice, and carries for
 * each case only what the step model computed — the predicted value and the operating point —
 * with the key of the case it was computed for, checked against this process's case on adoption.
 */

import { caseRunsPart } from "./case-runs-part.ts";
import type { OperatingPoint } from "./operating-point.ts";
import type { ReferenceTable } from "./reference-table.ts";
import { scenarioCaseKey } from "./scenario-case.ts";
import {
  adoptEndToEndPrediction,
  type EndToEndCaseSpec,
  type EstimateCache,
  endToEndCaseSpecs,
  predictEndToEndCase,
} from "./validate-end-to-end.ts";

/** One case's prediction as a part carries it (plain data: structured-clone and JSON safe). */
export interface EndToEndPrediction {
  readonly id: string;
  /** The case's scenario run, metric and published value (`caseKey`): what it was computed for. */
  readonly key: string;
  readonly predicted: number;
  readonly point: OperatingPoint;
}

const caseKey = (spec: EndToEndCaseSpec) => `${scenarioCaseKey(spec)}|${spec.metric}|${spec.published}`;

/**
 * Part `index` (from 0) of `count` of the end-to-end cases, predicted (and kept in this process's
 * memo, as `predictEndToEndCase` keeps every prediction). A case whose prediction fails is left
 * out: the adopting process predicts it itself and reports its error where it would have.
 * @example endToEndPredictionsPart(1, 2).length // about half the cases
 */
export function endToEndPredictionsPart(index: number, count: number): EndToEndPrediction[] {
  const specs = endToEndCaseSpecs();
  const cache: EstimateCache = new Map();
  const part: EndToEndPrediction[] = [];
  for (const position of caseRunsPart(specs, index, count, "end-to-end predictions")) {
    const spec = specs[position] as EndToEndCaseSpec;
    let predicted: ReturnType<typeof predictEndToEndCase>;
    try {
      predicted = predictEndToEndCase(spec, cache);
    } catch {
      continue;
    }
    part.push({ id: spec.id, key: caseKey(spec), predicted: predicted.predicted, point: predicted.point });
  }
  return part;
}

/**
 * Takes the predictions of a part (`endToEndPredictionsPart`, run in another process from the
 * same sources) as this process's: `validate()`, `referenceTable()` and the reference candidates
 * then use them. Throws when a prediction names no case here or was computed for a different case
 * (another scenario, overrides, metric or published value: a part from other data).
 * @example adoptEndToEndPredictions(endToEndPredictionsPart(0, 2))
 */
export function adoptEndToEndPredictions(part: readonly EndToEndPrediction[]): void {
  const byId = new Map(endToEndCaseSpecs().map((spec) => [spec.id, spec]));
  for (const p of part) {
    const spec = byId.get(p.id);
    if (spec === undefined)
      throw new Error(`end-to-end prediction for ${p.id}: no such case in references/end-to-end.yaml`);
    if (p.key !== caseKey(spec))
      throw new Error(
        `end-to-end prediction for ${p.id} was computed for "${p.key}", but the case here is "${caseKey(spec)}" (a part from other data)`,
      );
    adoptEndToEndPrediction(spec, p.predicted, p.point);
  }
}

/**
 * Takes the predictions of a reference table (`referenceTable()`, as the CLI's build stores it:
 * every case's prediction and operating point from the same sources and data) as this process's,
 * like `adoptEndToEndPredictions`; a row without a prediction (its case failed) is left to be
 * predicted here, where its error is raised. Throws when a row names no case here or differs from
 * it in metric, published value or unit (a table of other data).
 * @example adoptReferenceTablePredictions(referenceTable())
 */
export function adoptReferenceTablePredictions(table: ReferenceTable): void {
  const byId = new Map(endToEndCaseSpecs().map((spec) => [spec.id, spec]));
  for (const row of table.rows) {
    const spec = byId.get(row.id);
    if (spec === undefined)
      throw new Error(`reference table row ${row.id}: no such case in references/end-to-end.yaml`);
    const rowKey = `${row.metric}|${row.published}|${row.unit}`;
    const specKey = `${spec.metric}|${spec.published}|${spec.unit}`;
    if (rowKey !== specKey)
      throw new Error(
        `reference table row ${row.id} is "${rowKey}", but the case here is "${specKey}" (a table of other data)`,
      );
    if (row.prediction !== undefined && row.point !== undefined)
      adoptEndToEndPrediction(spec, row.prediction, row.point);
  }
}
