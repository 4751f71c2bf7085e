// Vitest global set-up: the few end-to-end tests spawn the built CLI (runCliProcess), so the build
// is brought up to date with the sources once, before any test runs (no-op when it is current);
// the in-process CLI of the tests (runCli) then reads that build's reference table for `estimate`'s
// nearest reference cases, as the binary does, instead of predicting the cases in each test worker.
// It names a file for core's validation report: the `ledger` project's worker writes it once per
// run (scripts/test-shared-ledger.ts) and the tests that only read the report read it
// (packages/cli/src/test-support/shared-validation-report.ts) instead of computing the ledger
// again. Not in watch mode (a report of the sources at start would go stale as they are edited).
// For the whole suite as `npm test` runs it (SUPERNODE_WHOLE_SUITE=1 in package.json's script) it
// also builds the web app for the browser tests (packages/web/test/shared-build.ts) in a background
// process while the ledger project runs alone on one core, unless a build of the current sources
// is cached; a run of a few files (`npx vitest run <file>`) builds it only if a browser test needs it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli, distDir, isCliBuildStale } from "./build-cli.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

export default async function setup(project) {
  if (isCliBuildStale()) await buildCli({ quiet: true });
  // In watch mode sources change between reruns: the readers compute the report themselves, and
  // the in-process CLI (test-support/run-cli.ts) computes the reference cases instead of reading
  // the build's table.
  if (project.globalConfig.watch) return undefined;
  project.provide("cliBuildDir", pathToFileURL(`${distDir}/`).href);
  const dir = mkdtempSync(join(tmpdir(), "supernode-test-ledger-"));
  project.provide("validationReportFile", join(dir, "validation-report.v8"));
  // The web build holds the shared build's lock while it builds, so a browser test that starts
  // first waits for it. Detached (its own process group) and never killed: an interrupted run
  // (Ctrl-C) does not stop it half-way with the lock held; it finishes the build and exits.
  if (process.env.SUPERNODE_WHOLE_SUITE === "1")
    spawn(process.execPath, ["--import", "tsx", join(root, "scripts/test-web-build.mjs")], {
      cwd: root,
      stdio: "ignore",
      detached: true,
    }).unref();
  return () => rmSync(dir, { recursive: true, force: true });
}
