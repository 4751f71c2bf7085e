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
//
// The ledger group runs one worker, so the other core would only build the web app (≈ 9 s):
// half of the end-to-end cases (whole scenario runs, core's `endToEndPredictionsPart`) are
// predicted meanwhile by a child process from the same sources (scripts/end-to-end-part.ts,
// through tsx), while this worker predicts the other half and the other kinds; the child's
// predictions are then adopted into core's memo (`adoptEndToEndPredictions`) and `validate()`
// reads them. Every value is still what these sources compute now (build-assets.test.ts's
// freshness check compares the build's table with them).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deserialize, serialize } from "node:v8";
import { inject } from "vitest";
import "../packages/cli/src/test-support/provided-context.ts";
import {
  adoptEndToEndPredictions,
  type EndToEndPrediction,
  endToEndPredictionsPart,
  VALIDATION_KINDS,
  validate,
} from "../packages/core/src/index.ts";
import { YOUNG_GENERATION_FLAGS } from "./young-generation.mjs";

const partScript = fileURLToPath(new URL("end-to-end-part.ts", import.meta.url));

/** Starts part `index`/`count` in a child process; resolves to its predictions. */
function predictPartInChild(index: number, count: number, out: string): Promise<EndToEndPrediction[]> {
  const log = `${out}.stderr`;
  const stderr = openSync(log, "w");
  const child = spawn(
    process.execPath,
    [...YOUNG_GENERATION_FLAGS, "--import", "tsx", partScript, `${index}/${count}`, out],
    { stdio: ["ignore", "ignore", stderr] },
  );
  closeSync(stderr);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      try {
        if (code !== 0)
          throw new Error(
            `scripts/end-to-end-part.ts ${index}/${count} exited with ${code ?? signal}:\n${readFileSync(log, "utf8")}`,
          );
        resolve(deserialize(readFileSync(out)) as EndToEndPrediction[]);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(out, { force: true });
        rmSync(log, { force: true });
      }
    });
  });
}

const file = inject("validationReportFile");
// Set-up files run before each test file of the worker: the report is written by the first.
if (file !== undefined && !existsSync(file) && !existsSync(`${file}.failed`)) {
  try {
    const other = predictPartInChild(1, 2, `${file}.end-to-end-part`);
    // Awaited below; a throw before that must not leave its failure unhandled.
    other.catch(() => undefined);
    endToEndPredictionsPart(0, 2);
    // The other kinds' rows (kept per kind in core), while the child finishes its part.
    validate({ kinds: VALIDATION_KINDS.filter((k) => k !== "end-to-end") });
    adoptEndToEndPredictions(await other);
    writeFileSync(`${file}.partial`, serialize(validate()));
    renameSync(`${file}.partial`, file);
  } catch (error) {
    writeFileSync(`${file}.failed`, `the ledger worker's validate() failed:\n${(error as Error).stack}`);
    throw error;
  }
}
