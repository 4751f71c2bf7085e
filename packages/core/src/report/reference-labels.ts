/**
 * Derives each reference case's label from the data (docs/validation.md): its group (a case and the
 * cases that say they duplicate it), the values the calibration ledger says were set from any case
 * of the group, and the role its records declare. Nothing here is hand-set per case.
 */
import { type CalibratedValue, type ReferenceRole, recordIdOf } from "../catalog/index.ts";
import { SupernodeError } from "../spec/index.ts";
import type { SetValue, ValidationLabel } from "./validation-rows.ts";

export interface LabelInput {
  readonly id: string;
  readonly role: ReferenceRole;
  readonly duplicateOf?: string;
  readonly bound?: "lower";
}

export interface CaseLabel {
  readonly label: ValidationLabel;
  readonly group: string;
  readonly sets: readonly SetValue[];
}

export interface Labelling {
  readonly byId: ReadonlyMap<string, CaseLabel>;
  /** `calibratedOn` ids that name no case (nor a multi-part record of one): typos or stale ids. */
  readonly unknownIds: readonly string[];
}

function groupOf(c: LabelInput, ids: ReadonlyMap<string, LabelInput>): string {
  if (c.duplicateOf === undefined) return c.id;
  const primary = ids.get(c.duplicateOf);
  if (primary === undefined)
    throw new SupernodeError(
      "invalid-value",
      `reference case ${c.id}: duplicateOf ${c.duplicateOf} names no case`,
    );
  if (primary.duplicateOf !== undefined)
    throw new SupernodeError(
      "invalid-value",
      `reference case ${c.id}: duplicateOf ${c.duplicateOf}, which itself duplicates ${primary.duplicateOf}; name the group's first case`,
    );
  return primary.id;
}

/**
 * Labels every case.
 * @example labelReferenceCases([{ id: "a", role: "prediction" }], []).byId.get("a")?.label // "evidence"
 */
export function labelReferenceCases(
  cases: readonly LabelInput[],
  ledger: readonly CalibratedValue[],
): Labelling {
  const ids = new Map(cases.map((c) => [c.id, c]));
  if (ids.size !== cases.length) {
    const seen = new Set<string>();
    const twice = cases.find((c) => {
      if (seen.has(c.id)) return true;
      seen.add(c.id);
      return false;
    });
    throw new SupernodeError(
      "invalid-value",
      `reference case id ${twice?.id} is used twice: ids must be unique`,
    );
  }
  const records = new Set(cases.map((c) => recordIdOf(c.id)));
  const members = new Map<string, LabelInput[]>();
  for (const c of cases) {
    const g = groupOf(c, ids);
    members.set(g, [...(members.get(g) ?? []), c]);
  }
  const byId = new Map<string, CaseLabel>();
  for (const [group, list] of members) {
    const names = new Set(list.flatMap((c) => [c.id, recordIdOf(c.id)]));
    const sets: SetValue[] = ledger
      .filter((v) => v.calibratedOn.some((id) => names.has(id)))
      .map((v) => ({ file: v.file, path: v.path, value: v.value }));
    const label: ValidationLabel = list.some((c) => c.role === "consistency")
      ? "consistency"
      : sets.length > 0
        ? "calibration"
        : list.some((c) => c.bound === "lower")
          ? "bound"
          : "evidence";
    for (const c of list) byId.set(c.id, { label, group, sets });
  }
  const unknownIds = [
    ...new Set(ledger.flatMap((v) => v.calibratedOn).filter((id) => !ids.has(id) && !records.has(id))),
  ];
  return { byId, unknownIds };
}
