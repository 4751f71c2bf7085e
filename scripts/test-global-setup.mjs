// Vitest global set-up: the few end-to-end tests spawn the built CLI (runCliProcess), so the build
// is brought up to date with the sources once, before any test runs (no-op when it is current);
// the in-process CLI of the tests (runCli) then reads that build's reference table for `estimate`'s
// nearest reference cases, as the binary does, instead of predicting the cases in each test worker.
// Then core's validation report (every reference case, tens of seconds of CPU) starts computing in
// a background process, once for the run: the tests that only read the report (the README figures,
// the Validate view's filter, the web app's pages that display it) wait for its file
// (packages/cli/src/test-support/shared-validation-report.ts) instead of each test worker and each
// browser page computing the whole ledger again. validate.test.ts and the CLI's validate tests
// still compute it in process, and one browser page computes it in its own worker. Not in watch
// mode (a report of the sources at start would go stale as they are edited), and only for the whole
// suite as `npm test` runs it (SUPERNODE_SHARED_LEDGER=1 in package.json's script): a run of a few
// files (`npx vitest run <file>`) would pay for the whole ledger in the background without needing
// it, so there the readers compute it themselves.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  if (process.env.SUPERNODE_SHARED_LEDGER !== "1") return undefined;
  const dir = mkdtempSync(join(tmpdir(), "supernode-test-ledger-"));
  const file = join(dir, "validation-report.v8");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(root, "scripts/write-validation-report.mjs"), file],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // A failure leaves its message where the readers look, so they fail with it instead of waiting.
  child.on("exit", (code, signal) => {
    if (code !== 0)
      writeFileSync(`${file}.failed`, `write-validation-report exited (${code ?? signal}):\n${stderr}`);
  });
  project.provide("validationReportFile", file);
  return () => {
    child.removeAllListeners("exit");
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  };
}
