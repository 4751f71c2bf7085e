// Vitest set-up file of the `ledger` project (vitest.config.ts): its one worker computes core's
// validation report — every reference case, `validate()`, tens of seconds of CPU — before its first
// test file, and writes it where the global set-up said (scripts/test-global-setup.mjs provides
// the file's name), as a structured clone (node:v8 serialize: what a Web Worker posts, NaN and
// undefined fields kept). The ledger's test files then read core's per-process memo of the same
// computation, and the tests that only read the report (the README figures, the Validate view's
// filter, the browser pages that display it) read this file
// (packages/cli/src/test-support/shared-validation-report.ts): the ledger is computed once per
// run. Those readers run in the `suite` project, whose group starts after this one has ended, so
// the file is complete (written to a temporary name, then renamed) before any of them looks.
// A failure is written beside it (`.failed`), so the readers fail with its message.
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { serialize } from "node:v8";
import { inject } from "vitest";
import "../packages/cli/src/test-support/provided-context.ts";
import { validate } from "../packages/core/src/index.ts";

const file = inject("validationReportFile");
// Set-up files run before each test file of the worker: the report is written by the first.
if (file !== undefined && !existsSync(file) && !existsSync(`${file}.failed`)) {
  try {
    writeFileSync(`${file}.partial`, serialize(validate()));
    renameSync(`${file}.partial`, file);
  } catch (error) {
    writeFileSync(`${file}.failed`, `the ledger worker's validate() failed:\n${(error as Error).stack}`);
    throw error;
  }
}
