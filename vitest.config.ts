import { availableParallelism } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "bench/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    testTimeout: 60_000,
    pool: "forks",
    // One worker per core (vitest's default leaves one core out: a single worker on a 2-core
    // machine, where much of a browser or spawning test's time is spent waiting).
    maxWorkers: availableParallelism(),
    // A worker runs its files one after another in one module graph: core and the CLI are
    // imported once per worker, not once per file (a third of the suite's time). The tests share
    // no mutable module state (caches of the built-in data only) and mock nothing.
    isolate: false,
    // Builds packages/cli/dist when a source is newer, for the end-to-end tests of the binary.
    globalSetup: ["scripts/test-global-setup.mjs"],
    // fast-check properties run from one fixed seed unless SUPERNODE_PROPERTY_SEED says otherwise.
    setupFiles: ["scripts/test-property-seed.mjs"],
    // The sweep pool's threads run that build's sweep-thread.js (built from the same sources)
    // instead of compiling core through tsx in every thread (≈ 2.5 s of CPU per thread).
    env: { SUPERNODE_SWEEP_THREAD: join(import.meta.dirname, "packages/cli/dist/sweep-thread.js") },
  },
});
