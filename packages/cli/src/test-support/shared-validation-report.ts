/**
 * Core's validation report for tests that only read it: the one the `ledger` project's worker
 * computed for the test run and wrote to the file the global set-up names
 * (scripts/test-shared-ledger.ts, scripts/test-global-setup.mjs), read once per test worker —
 * instead of every worker and every browser page computing the whole ledger (tens of seconds of
 * CPU each). It is `validate()` of the same sources, structured-cloned (NaN and undefined fields
 * kept). The readers run in the `suite` project, after the ledger project's group has ended: the
 * file is there unless no ledger file ran (a run of a few files, or a custom config), and then
 * the report is computed here. The CLI's validate test (a ledger file) checks the file equal to
 * its own in-process report.
 */
import { existsSync, readFileSync } from "node:fs";
import { deserialize } from "node:v8";
import { type ValidationReport, validate } from "@supernode/core";
import { inject } from "vitest";
import "./provided-context.ts";

let pending: Promise<ValidationReport> | undefined;

/** @example const report = await sharedValidationReport(); report.summary.evidence.medianAbsRelError */
export function sharedValidationReport(): Promise<ValidationReport> {
  pending ??= readShared();
  return pending;
}

async function readShared(): Promise<ValidationReport> {
  const file = inject("validationReportFile");
  if (file !== undefined && existsSync(file)) return deserialize(readFileSync(file)) as ValidationReport;
  if (file !== undefined && existsSync(`${file}.failed`))
    throw new Error(readFileSync(`${file}.failed`, "utf8"));
  return validate();
}
