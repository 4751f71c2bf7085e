/**
 * The calibration ledger: every value in the built-in data files that was set or chosen by looking
 * at a published reference record, read from its `calibratedOn: [ids]` (and, in reference
 * scenarios, from `calibration: [{field, calibratedOn}]`). It is found by walking the files, not
 * listed by hand, so a value that gains `calibratedOn` turns its cases into calibration at once
 * (docs/validation.md).
 */

import { readSourceDocument } from "../spec/index.ts";
import { embeddedDataFiles } from "./embedded-data.generated.ts";

/** One calibrated value. */
export interface CalibratedValue {
  /** Data file, relative to packages/core/data (e.g. `fabric/protocols.yaml`). */
  readonly file: string;
  /** Dotted path of the value in the file (e.g. `libraries.cann-ep.outstandingTransfers`). */
  readonly path: string;
  /** The value as written (a number, a string, or the scenario field's value). */
  readonly value: unknown;
  /** Reference case ids (or multi-part record ids) it was set from. */
  readonly calibratedOn: readonly string[];
  readonly note?: string;
}

type Json = unknown;

function isRecord(x: Json): x is Record<string, Json> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function at(data: Json, dotted: string): Json {
  let node = data;
  for (const key of dotted.split(".")) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function walk(file: string, root: Json, node: Json, path: string[], out: CalibratedValue[]): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) walk(file, root, item, [...path, String(i)], out);
    return;
  }
  if (!isRecord(node)) return;
  const on = node.calibratedOn;
  if (Array.isArray(on)) {
    const ids = on.filter((x): x is string => typeof x === "string");
    const field = typeof node.field === "string" ? node.field : undefined;
    out.push({
      file,
      path: field ?? path.join("."),
      value: field !== undefined ? at(root, field) : node.value,
      calibratedOn: ids,
      ...(typeof node.note === "string" ? { note: node.note } : {}),
    });
  }
  for (const [key, child] of Object.entries(node)) {
    if (key !== "calibratedOn") walk(file, root, child, [...path, key], out);
  }
}

/**
 * Every calibrated value in `files` (default: the built-in data files), in file order.
 * @example calibrationLedger().find((v) => v.path === "libraries.cann-ep.outstandingTransfers")?.calibratedOn
 */
export function calibrationLedger(
  files: Readonly<Record<string, string>> = embeddedDataFiles,
): readonly CalibratedValue[] {
  if (files === embeddedDataFiles && cached !== undefined) return cached;
  const out: CalibratedValue[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (!/\.(ya?ml|json)$/.test(file) || !text.includes("calibratedOn")) continue;
    const data = readSourceDocument(text, file).data;
    walk(file, data, data, [], out);
  }
  if (files === embeddedDataFiles) cached = out;
  return out;
}
let cached: readonly CalibratedValue[] | undefined;

/** The record id of a case id: the part before the first `:` (`nccl-h100-nvls-ar:algbw` → `nccl-h100-nvls-ar`). */
export function recordIdOf(caseId: string): string {
  const i = caseId.indexOf(":");
  return i < 0 ? caseId : caseId.slice(0, i);
}

/**
 * The values set from one reference case (named by its id or its record's id).
 * @example valuesSetFrom("cm384-017").map((v) => v.path) // ["kernels.cann-ep.perCopyCostUs", ...]
 */
export function valuesSetFrom(
  caseId: string,
  ledger: readonly CalibratedValue[] = calibrationLedger(),
): CalibratedValue[] {
  const record = recordIdOf(caseId);
  return ledger.filter((v) => v.calibratedOn.includes(caseId) || v.calibratedOn.includes(record));
}
