/**
 * Core's validation report for tests that only read it: the one the test run's global set-up
 * computes in a background process (scripts/test-global-setup.mjs, write-validation-report.mjs),
 * read once per test worker — instead of every worker and every browser page computing the whole
 * ledger (tens of seconds of CPU each). It is `validate()` of the same sources, structured-cloned
 * (NaN and undefined fields kept). Without the global set-up (a custom config) it is computed here.
 * validate.test.ts and the CLI's validate tests compute the report in process; the latter checks
 * this one equal to it.
 */
import { existsSync, readFileSync } from "node:fs";
import { deserialize } from "node:v8";
import { type ValidationReport, validate } from "@supernode/core";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the global set-up's background process writes the report (see above). */
    validationReportFile: string;
  }
}

const POLL_MS = 100;
/** Longer than the whole computation takes on a loaded 2-core machine. */
const WAIT_LIMIT_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pending: Promise<ValidationReport> | undefined;

/** @example const report = await sharedValidationReport(); report.summary.evidence.medianAbsRelError */
export function sharedValidationReport(): Promise<ValidationReport> {
  pending ??= readShared();
  return pending;
}

async function readShared(): Promise<ValidationReport> {
  const file = inject("validationReportFile");
  if (file === undefined) return validate();
  const started = Date.now();
  for (;;) {
    if (existsSync(file)) return deserialize(readFileSync(file)) as ValidationReport;
    if (existsSync(`${file}.failed`)) throw new Error(readFileSync(`${file}.failed`, "utf8"));
    if (Date.now() - started > WAIT_LIMIT_MS)
      throw new Error(`the shared validation report (${file}) did not appear within 10 minutes`);
    await sleep(POLL_MS);
  }
}
