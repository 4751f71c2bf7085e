import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { referenceTable } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { runCli, runCliProcess } from "./test-support/run-cli.ts";

// The test set-up (scripts/test-global-setup.mjs) rebuilt packages/cli/dist if a source changed.
const dist = new URL("../dist/", import.meta.url);
const example = fileURLToPath(
  new URL("../../../examples/cloudmatrix384-deepseek-r1-decode.yaml", import.meta.url),
);

describe("the build's reference table", () => {
  // Predicts every end-to-end case in process unless the worker already has (core memoises them):
  // ≈ 37 s of CPU from scratch, 97 s alone at load 17 — beyond the suite's 60 s default.
  it("is fresh: what the sources compute now", { timeout: 300_000 }, () => {
    const built = JSON.parse(readFileSync(new URL("reference-table.json", dist), "utf8"));
    expect(built).toEqual(JSON.parse(JSON.stringify(referenceTable())));
  });

  it("gives the built CLI's estimate the same output as computing the cases in the call", () => {
    const inProcess = runCli(["estimate", example, "--json"], { references: "live" });
    const built = runCliProcess(["estimate", example, "--json"]); // reads dist/reference-table.json
    expect(built.status).toBe(0);
    expect(built.stdout).toBe(inProcess.stdout);
    expect(JSON.parse(built.stdout).reference.length).toBe(2);
  });

  it("gives the built CLI's validate, which reads the table's predictions, the in-process report", () => {
    // In process from the sources (no build table: core's memo, this worker's whole ledger).
    const inProcess = runCli(["validate", "--json"], { references: "live" });
    const built = runCliProcess(["validate", "--json"]); // adopts dist/reference-table.json's predictions
    expect(built.status).toBe(inProcess.status);
    expect(built.stdout).toBe(inProcess.stdout);
    expect(JSON.parse(built.stdout).rows.length).toBeGreaterThan(1000);
  });
});
