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
    // Builds packages/cli/dist when a source is newer, for the end-to-end tests of the binary.
    globalSetup: ["scripts/test-global-setup.mjs"],
  },
});
