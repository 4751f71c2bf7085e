import { availableParallelism } from "node:os";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { YOUNG_GENERATION_FLAGS } from "./scripts/young-generation.mjs";

/**
 * The test files that predict the whole end-to-end ledger in process (core keeps it once per
 * process: `predictEndToEndCase`'s predictions, `validate`'s rows per kind). They run first, one
 * after another in one worker (a project of their own, group 0), so the ledger is computed once in
 * that worker instead of once in each worker that happened to draw one of them (twice per run with
 * two workers). That worker also writes the report for the suite's tests that only read it
 * (scripts/test-shared-ledger.ts, its set-up file): the ledger is computed once per run. Meanwhile
 * the global set-up builds the web app on the other core (test-global-setup.mjs). Files that
 * predict only a few cases (the nearest references of an estimate, a serving report's scenarios)
 * stay in the suite.
 * scripts/vitest-projects.test.ts checks the split loses no file.
 */
export const LEDGER_FILES = [
  "packages/core/src/report/validate.test.ts",
  "packages/core/src/report/validate-end-to-end.test.ts",
  "packages/core/src/report/reference-table.test.ts",
  "packages/cli/src/build-assets.test.ts",
  "packages/cli/src/commands/validate.test.ts",
];

/**
 * vitest's order (longest first, from the last run's durations), except that the ledger's files run
 * in LEDGER_FILES' order. The ledger itself is predicted by the project's set-up file before the
 * first of them (no time limit), so no test's own limit includes the whole ledger on a loaded
 * machine (the CLI's first validate test timed out at 120 s, load 11-15, when it came first).
 */
class LedgerFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LEDGER_FILES.findIndex((l) => f.moduleId.endsWith(`/${l}`));
      return i < 0 ? LEDGER_FILES.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

const INCLUDE = [
  "packages/*/src/**/*.test.ts",
  "packages/*/test/**/*.test.ts",
  "bench/**/*.test.ts",
  "scripts/**/*.test.ts",
];

/** What both projects share. */
const common = {
  testTimeout: 60_000,
  pool: "forks" as const,
  // A larger young generation: the ledger's predictions take ≈ 5 % less CPU (scripts/young-generation.mjs).
  execArgv: YOUNG_GENERATION_FLAGS,
  // A worker runs its files one after another in one module graph: core and the CLI are
  // imported once per worker, not once per file (a third of the suite's time). The tests share
  // no mutable module state (caches of the built-in data only) and mock nothing.
  isolate: false,
  // fast-check properties run from one fixed seed unless SUPERNODE_PROPERTY_SEED says otherwise.
  setupFiles: ["scripts/test-property-seed.mjs"],
  // The sweep pool's threads run that build's sweep-thread.js (built from the same sources)
  // instead of compiling core through tsx in every thread (≈ 2.5 s of CPU per thread).
  env: { SUPERNODE_SWEEP_THREAD: join(import.meta.dirname, "packages/cli/dist/sweep-thread.js") },
};

export default defineConfig({
  test: {
    // Builds packages/cli/dist when a source is newer, for the end-to-end tests of the binary, and
    // starts the shared validation report (once per run, for both projects).
    globalSetup: ["scripts/test-global-setup.mjs"],
    sequence: { sequencer: LedgerFirstSequencer },
    projects: [
      {
        test: {
          ...common,
          name: "ledger",
          include: LEDGER_FILES,
          // Writes the shared report once, before the first ledger file (see above).
          setupFiles: [...common.setupFiles, "scripts/test-shared-ledger.ts"],
          // One worker, all its files (isolate: false): the ledger once; run before the rest.
          maxWorkers: 1,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: "suite",
          include: INCLUDE,
          exclude: [...configDefaults.exclude, ...LEDGER_FILES],
          // One worker per core (vitest's default leaves one core out: a single worker on a 2-core
          // machine, where much of a browser or spawning test's time is spent waiting).
          maxWorkers: availableParallelism(),
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
