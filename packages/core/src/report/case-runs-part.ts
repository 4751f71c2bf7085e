/**
 * Which reference cases belong to part `index` (from 0) of `count`, for predicting the cases in
 * parallel processes: the cases of every `count`-th scenario run, in the order the runs first
 * appear, where a run is a scenario with its overrides (`scenarioCaseKey`: the cases of one run
 * share its estimate, so they stay in one part and no estimate is made twice). Used by the
 * build's reference table (`referenceTablePart`) and by the ledger's end-to-end parts
 * (`endToEndPredictionsPart`).
 */

import { type ScenarioCaseSpec, scenarioCaseKey } from "./scenario-case.ts";

/**
 * The positions in `specs` of part `index` of `count`, in `specs`' order.
 * @example caseRunsPart([{ scenario: "a", overrides: [] }, { scenario: "b", overrides: [] }], 1, 2) // [1]
 */
export function caseRunsPart(
  specs: readonly Pick<ScenarioCaseSpec, "scenario" | "overrides">[],
  index: number,
  count: number,
  what: string,
): number[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`${what} part ${index} of ${count}: expected 0 <= index < count, whole numbers`);
  const runs = new Map<string, number>();
  const positions: number[] = [];
  for (const [position, spec] of specs.entries()) {
    const key = scenarioCaseKey(spec);
    let run = runs.get(key);
    if (run === undefined) {
      run = runs.size;
      runs.set(key, run);
    }
    if (run % count === index) positions.push(position);
  }
  return positions;
}
