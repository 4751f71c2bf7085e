/**
 * The end-to-end reference cases as `nearestReferences` weighs them: id, metric, label, operating
 * point and the model's prediction there. Every entry is a pure function of the shipped data and
 * code, so a build can compute the whole table once, as plain JSON (scripts/build-cli.mjs writes
 * packages/cli/dist/reference-table.json), and `supernode estimate` reads it instead of parsing
 * and predicting the cases at every call. A case whose scenario or prediction fails carries the
 * error's message in place of the value, and raises it where the live computation would. The build
 * computes the table in parts, one process each (`referenceTablePart`, `joinReferenceTable`).
 */

import { calibrationLedger } from "../catalog/index.ts";
import { caseRunsPart } from "./case-runs-part.ts";
import { metricPhase, type OperatingPoint, operatingPoint } from "./operating-point.ts";
import { labelReferenceCases } from "./reference-labels.ts";
import {
  type EndToEndCaseSpec,
  type EstimateCache,
  endToEndCaseScenario,
  endToEndCaseSpecs,
  predictEndToEndCase,
} from "./validate-end-to-end.ts";
import type { ValidationLabel } from "./validation-rows.ts";

/** What a reference case is, shared by the live candidates and the table's rows. */
interface ReferenceCaseFields {
  readonly id: string;
  readonly metric: string;
  readonly description: string;
  readonly published: number;
  readonly unit: string;
  readonly label: ValidationLabel;
  /** The group's first case (the case itself unless it duplicates another). */
  readonly group: string;
}

/** One reference case as `nearestReferences` weighs it; `predict` gives the model's value there. */
export interface ReferenceCandidate extends ReferenceCaseFields {
  readonly point: OperatingPoint;
  predict(): number;
}

/** A row of the table: a candidate with its point and prediction computed, or their errors. */
export interface ReferenceTableRow extends ReferenceCaseFields {
  readonly point?: OperatingPoint;
  /** Why the case's scenario did not parse (then no point). */
  readonly pointError?: string;
  readonly prediction?: number;
  /** Why the step model failed on the case (then no prediction). */
  readonly predictionError?: string;
}

export interface ReferenceTable {
  readonly rows: readonly ReferenceTableRow[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The cases with their labels (the part shared by the live candidates and the table). */
function labelledSpecs(): { spec: EndToEndCaseSpec; label: ValidationLabel; group: string }[] {
  const specs = endToEndCaseSpecs();
  const labels = labelReferenceCases(specs, calibrationLedger());
  return specs.map((spec) => {
    const label = labels.byId.get(spec.id);
    if (label === undefined) throw new Error(`internal: end-to-end case ${spec.id} was not labelled`);
    return { spec, label: label.label, group: label.group };
  });
}

const caseFields = (spec: EndToEndCaseSpec) => ({
  id: spec.id,
  metric: spec.metric,
  description: spec.description,
  published: spec.published,
  unit: spec.unit,
});

const casePoint = (spec: EndToEndCaseSpec): OperatingPoint =>
  operatingPoint(endToEndCaseScenario(spec), metricPhase(spec.metric));

/** The live candidates, once per process: the built-in cases and the code that predicts them do not change. */
let live: readonly ReferenceCandidate[] | undefined;

/**
 * The cases computed now: each scenario parsed for its operating point (the first that fails
 * throws), a case predicted only when `predict` is first called (cases sharing a scenario estimate
 * it once). Built once per process and kept, with the predictions made so far, so the estimates
 * after the first (a CLI test run, each knob change in the web app's worker) do not predict the
 * nearest cases again.
 */
export function liveReferenceCandidates(): readonly ReferenceCandidate[] {
  live ??= buildLiveCandidates();
  return live;
}

function buildLiveCandidates(): ReferenceCandidate[] {
  const cache: EstimateCache = new Map();
  // predictEndToEndCase keeps each case's prediction (once per process), so `predict` needs no memo.
  return labelledSpecs().map(({ spec, label, group }) => ({
    ...caseFields(spec),
    label,
    group,
    point: casePoint(spec),
    predict: () => predictEndToEndCase(spec, cache).predicted,
  }));
}

/**
 * Every case with its point and prediction, errors kept as messages (JSON-safe).
 * @example referenceTable().rows.find((r) => r.id === "cm384-106")?.prediction
 */
export function referenceTable(): ReferenceTable {
  const cache: EstimateCache = new Map();
  return { rows: labelledSpecs().map((labelled) => tableRow(labelled, cache)) };
}

/** A case's row: its point and prediction, or the message of the first that fails. */
function tableRow(
  { spec, label, group }: { spec: EndToEndCaseSpec; label: ValidationLabel; group: string },
  cache: EstimateCache,
): ReferenceTableRow {
  const base = { ...caseFields(spec), label, group };
  let point: OperatingPoint;
  try {
    point = casePoint(spec);
  } catch (error) {
    return { ...base, pointError: messageOf(error) };
  }
  try {
    return { ...base, point, prediction: predictEndToEndCase(spec, cache).predicted };
  } catch (error) {
    return { ...base, point, predictionError: messageOf(error) };
  }
}

/** Some of the table's rows, with their positions in the whole table (`referenceTablePart`). */
export interface ReferenceTablePart {
  /** Rows in the whole table. */
  readonly total: number;
  readonly positions: readonly number[];
  readonly rows: readonly ReferenceTableRow[];
}

/**
 * Part `index` (from 0) of `count` of the table, for computing the parts in parallel processes
 * (the CLI's build: packages/cli/src/build/reference-table-entry.ts): the cases of every
 * `count`-th scenario run (`caseRunsPart`). Each row is the
 * one `referenceTable()` holds; `joinReferenceTable` puts the parts back in its order.
 * @example joinReferenceTable([referenceTablePart(0, 2), referenceTablePart(1, 2)]) // = referenceTable()
 */
export function referenceTablePart(index: number, count: number): ReferenceTablePart {
  const cache: EstimateCache = new Map();
  const all = labelledSpecs();
  const positions = caseRunsPart(
    all.map((l) => l.spec),
    index,
    count,
    "reference table",
  );
  const rows = positions.map((position) => tableRow(all[position] as (typeof all)[number], cache));
  return { total: all.length, positions, rows };
}

/** The table from all its parts (`referenceTablePart`): every row exactly once, else it throws. */
export function joinReferenceTable(parts: readonly ReferenceTablePart[]): ReferenceTable {
  const total = parts[0]?.total ?? 0;
  const rows: (ReferenceTableRow | undefined)[] = Array.from({ length: total }, () => undefined);
  let filled = 0;
  for (const part of parts) {
    if (part.total !== total || part.positions.length !== part.rows.length)
      throw new Error(
        `reference table part of ${part.total} rows with ${part.positions.length} positions for ${part.rows.length} rows; expected a part of a ${total}-row table`,
      );
    for (const [i, position] of part.positions.entries()) {
      if (!(position >= 0 && position < total && rows[position] === undefined))
        throw new Error(`reference table: row ${position} is outside the table or in two parts`);
      rows[position] = part.rows[i];
      filled++;
    }
  }
  if (filled !== total)
    throw new Error(`reference table: ${total - filled} of ${total} rows missing from the parts`);
  return { rows: rows as ReferenceTableRow[] };
}

/** The candidates of a table (`referenceTable()`, possibly read back from JSON); a case's error is raised where the live candidates raise it. */
export function tableReferenceCandidates(table: ReferenceTable): ReferenceCandidate[] {
  return table.rows.map((row) => {
    const { point, pointError, prediction, predictionError, ...fields } = row;
    if (point === undefined) throw new Error(pointError ?? `reference case ${row.id} has no operating point`);
    return {
      ...fields,
      point,
      predict: () => {
        if (prediction === undefined)
          throw new Error(predictionError ?? `reference case ${row.id} has no prediction`);
        return prediction;
      },
    };
  });
}
