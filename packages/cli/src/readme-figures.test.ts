/**
 * The README's validation figures are the ones `supernode validate` computes: the generated block
 * between the `readme-figures:validate` markers must equal what scripts/readme-figures.mjs would
 * write now, and so must docs/fabric-model.md's accuracy table (between its `fabric-table` markers).
 * When a model or data change moves a figure, run `npm run readme-figures -- --write`.
 */
import { readFileSync } from "node:fs";
import { fabricAccuracyTable, fabricTableOf, readmeBlockOf, validationReadmeBlock } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { sharedValidationReport } from "./test-support/shared-validation-report.ts";

/** The test run's one validation (the expensive part), for both documents. */
const current = sharedValidationReport;

describe("README validation figures", () => {
  it("are current (else: npm run readme-figures -- --write)", async () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const block = readmeBlockOf(readme);
    expect(block, "README.md has no readme-figures:validate block").toBeDefined();
    expect(block, "README validation figures are stale: run npm run readme-figures -- --write").toBe(
      validationReadmeBlock(await current()),
    );
  }, 120_000); // waits for the run's whole validation (see test-global-setup.mjs)
  it("docs/fabric-model.md's accuracy table is current (else: npm run readme-figures -- --write)", async () => {
    const doc = readFileSync(new URL("../../../docs/fabric-model.md", import.meta.url), "utf8");
    const table = fabricTableOf(doc);
    expect(table, "docs/fabric-model.md has no fabric-table block").toBeDefined();
    expect(table, "the fabric accuracy table is stale: run npm run readme-figures -- --write").toBe(
      fabricAccuracyTable(await current()),
    );
  });
});
