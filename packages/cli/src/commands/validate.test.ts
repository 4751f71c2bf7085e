import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { sharedValidationReport } from "../test-support/shared-validation-report.ts";

describe("supernode validate", () => {
  it("--json lists every kind of case with prediction, published, error and source", async () => {
    const { status, stdout } = runCli(["validate", "--json"]);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    // The report the read-only tests share (computed once for the run in another process) is this one.
    expect(JSON.parse(JSON.stringify(await sharedValidationReport()))).toEqual(report);
    const kinds = new Set(report.rows.map((r: { kind: string }) => r.kind));
    expect(kinds).toEqual(new Set(["operator", "fabric", "end-to-end", "training", "energy"]));
    for (const r of report.rows) {
      expect(r.error).toBeUndefined();
      expect(typeof r.prediction).toBe("number");
      expect(r.published).toBeGreaterThan(0);
      expect(r.relError).toBeCloseTo((r.prediction - r.published) / r.published, 9);
      expect(r.source.length).toBeGreaterThan(0);
    }
    const ids = report.rows.map((r: { id: string }) => r.id);
    for (const id of [
      "cm384-106",
      "cm384-107",
      "cm384-088",
      "cm384-094",
      "sgl-h100-decode-2k",
      "cm384-103",
      "dsv3-train-gpuhours",
      "mlenergy-q3-32b-b200-chat-b128",
    ])
      expect(ids).toContain(id);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.maxAbsRelError).toBeGreaterThanOrEqual(report.summary.medianAbsRelError);
    type Row = { id: string; label: string; group: string; sets: { path: string }[] };
    const rows = report.rows as Row[];
    expect(new Set(rows.map((r) => r.label))).toEqual(
      new Set(["evidence", "calibration", "consistency", "bound"]),
    );
    for (const r of rows.filter((x) => x.label === "calibration"))
      expect(r.sets.length, r.id).toBeGreaterThan(0);
    for (const r of rows.filter((x) => x.label === "evidence")) expect(r.sets, r.id).toEqual([]);
    const evidenceGroups = new Set(rows.filter((r) => r.label === "evidence").map((r) => r.group));
    expect(report.summary.byLabel.evidence.cases).toBe(evidenceGroups.size);
    expect(Object.keys(report.summary.byLabel.evidence.byKind)).toEqual([
      "operator",
      "fabric",
      "end-to-end",
      "training",
      "energy",
    ]);
    // The whole validation in a child process: each finite TensorRT-LLM run is played iteration by
    // iteration (offline-pipelined-run.ts), ≈ 10–15 s of CPU, well over a minute on a loaded machine.
  }, 120_000);

  it("prints each fabric row's label, the values a calibration row set, and the summary per label", () => {
    const table = runCli(["validate", "--kind", "fabric"]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/cm384-002 +│ [^│]+│ [^│]+│ [^│]+│ calibration/);
    expect(table.stdout).toContain("sets: fabric/protocols.yaml");
    expect(table.stdout).toMatch(/Evidence only \([^)]*\): \d+ evidence cases, median/);
    expect(table.stdout).toMatch(/\| calibration \| fabric \| \d+ \|/);
  });

  it("prints tables with a summary, and fails on --max-error only when asked", () => {
    const table = runCli(["validate", "--kind", "end-to-end"]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /end-to-end cases \(\d+; \d+ once duplicates are grouped\): median \|error\| [\d.]+ %, max [\d.]+ %/,
    );
    expect(table.stdout).toContain("cm384-106");
    const strict = runCli(["validate", "--kind", "end-to-end", "--max-error", "0.0001"]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/case\(s\) exceed --max-error 0\.0001/);
    // 1000 = 100,000 %: above the p99 TTFT rows of runs offered more than the model sustains (≈ +28,000 %).
    const loose = runCli(["validate", "--kind", "end-to-end", "--max-error", "1000"]);
    expect(loose.status).toBe(0);
  });

  it("rejects bad flags in one paragraph", () => {
    const bad = runCli(["validate", "--max-error", "abc"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--max-error expects a positive fraction");
    const kind = runCli(["validate", "--kind", "nope"]);
    expect(kind.status).toBe(1);
    expect(kind.stderr).toContain("--kind must be one of operator, fabric, end-to-end");
  });
});
