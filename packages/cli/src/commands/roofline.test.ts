import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

interface JsonReport {
  chip: string;
  dtype: string;
  notes: string[];
  sections: Array<{
    kind: string;
    count: number;
    timeS: number;
    operators: Array<{ name: string; bound: string; timeS: number; defaulted: boolean; mappedFrom?: string }>;
  }>;
  forwardTimeS: number;
  defaultedParameters: string[];
}

describe("supernode roofline", () => {
  it("prints the per-operator table for DeepSeek decode on a 910C die", () => {
    const { status, stdout, stderr } = runCli([
      "roofline",
      "deepseek-v3",
      "--chip",
      "ascend-910c",
      "--phase",
      "decode",
      "--batch",
      "96",
      "--kv",
      "4096",
      "--dtype",
      "int8",
      "--ep",
      "256",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/1 of 2 dies/);
    expect(stdout).toMatch(/moe layer \(× 58\)/);
    expect(stdout).toMatch(/moe\.experts\.gate_up_proj\s+│ grouped-gemm/);
    expect(stdout).toMatch(/forward pass: 3 × .* dense \+ 58 × .* moe \+ 1 × .* head = [0-9.]+ ms/);
  });

  it("emits JSON whose forward time is the count-weighted sum of its sections", () => {
    const { status, stdout } = runCli([
      "roofline",
      "deepseek-v3",
      "--chip",
      "h800-sxm",
      "--batch",
      "64",
      "--ep",
      "32",
      "--json",
    ]);
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.dtype).toBe("fp8");
    const sum = report.sections.reduce((acc, s) => acc + s.count * s.timeS, 0);
    expect(report.forwardTimeS).toBeCloseTo(sum, 12);
    for (const s of report.sections)
      for (const op of s.operators) expect(["compute", "memory", "overhead"]).toContain(op.bound);
    // The BF16 LM head uses the Hopper BF16 (cuBLAS) ceiling measured on the H200, not a default.
    expect(report.defaultedParameters).not.toContain("gemm.computeEfficiency.bf16");
  });

  it("refuses FP8 on the 910C with one paragraph naming chip, format and supported formats", () => {
    const { status, stdout, stderr } = runCli([
      "roofline",
      "deepseek-v3",
      "--chip",
      "ascend-910c",
      "--dtype",
      "fp8",
    ]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /^supernode: .*ascend-910c.*no fp8 tensor engine; it supports .*int8.*--map-dtype fp8=int8/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("maps FP8 to INT8 when asked, and defaults to BF16 with a note when not", () => {
    const mapped = runCli([
      "roofline",
      "deepseek-v3",
      "--chip",
      "ascend-910c",
      "--dtype",
      "fp8",
      "--map-dtype",
      "fp8=int8",
      "--ep",
      "256",
      "--json",
    ]);
    expect(mapped.status).toBe(0);
    const report = JSON.parse(mapped.stdout) as JsonReport;
    const ops = report.sections.flatMap((s) => s.operators);
    expect(ops.some((op) => op.mappedFrom === "fp8")).toBe(true);
    expect(report.notes.join(" ")).toMatch(/fp8 operators run as int8/);
    const defaulted = runCli(["roofline", "deepseek-v3", "--chip", "ascend-910c", "--ep", "256"]);
    expect(defaulted.status).toBe(0);
    expect(defaulted.stdout).toMatch(/note: ascend-910c has no fp8 engine .* running weights in bf16/);
  });

  it("reports bad flags and unknown ids without a stack trace", () => {
    const phase = runCli(["roofline", "deepseek-v3", "--chip", "h800-sxm", "--phase", "train"]);
    expect(phase.status).toBe(1);
    expect(phase.stderr).toMatch(/--phase must be decode or prefill/);
    const chip = runCli(["roofline", "deepseek-v3", "--chip", "h801"]);
    expect(chip.status).toBe(1);
    expect(chip.stderr).toMatch(/h801/);
    expect(chip.stderr).not.toMatch(/internal error/);
  });

  it("reports an unreadable config.json path as a usage error naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "roofline-"));
    const config = join(dir, "config.json");
    mkdirSync(config);
    const r = runCli(["roofline", config, "--chip", "h800-sxm"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${config}: cannot read model config (EISDIR)`);
    expect(r.stderr).not.toMatch(/internal error|at loadModel/);
  });
});
