/**
 * What the global set-up (scripts/test-global-setup.mjs) provides to the test workers, for
 * vitest's `inject`: vitest's `ProvidedContext` augmented once, here. Neither is provided in watch
 * mode (sources change between reruns): the in-process CLI then computes the reference cases
 * (run-cli.ts) and the report's readers compute the report (shared-validation-report.ts).
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** packages/cli/dist/ as a file URL, built from the current sources (test-support/run-cli.ts). */
    cliBuildDir?: string;
    /**
     * Where the `ledger` project's worker writes core's validation report for the run
     * (scripts/test-shared-ledger.ts) and its readers read it (test-support/shared-validation-report.ts).
     */
    validationReportFile?: string;
  }
}

export {};
