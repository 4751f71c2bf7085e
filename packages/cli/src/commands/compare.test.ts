import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { writeTempFile } from "../test-support/temp-file.ts";

interface CompareJson {
  format: string;
  systems: Array<{ id: string; totals: Record<string, number> }>;
  rows: Array<{
    key: string;
    unit: string;
    values: Array<{ system: string; value: number; sources: Array<{ url: string }> } | null>;
    ratios: Array<{ of: string; to: string; value: number | null }>;
  }>;
}

describe("supernode compare", () => {
  it("--json reproduces the published CloudMatrix384 vs GB200 NVL72 comparison, in SI units with sources", () => {
    const { status, stdout, stderr } = runCli(["compare", "cloudmatrix384", "gb200-nvl72", "--json"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as CompareJson;
    expect(json.format).toBe("supernode.compare/v1");
    const [cm, nvl] = json.systems;
    expect(cm?.totals["peakFlopsPerS.bf16"]).toBeGreaterThanOrEqual(288e15);
    expect(cm?.totals["peakFlopsPerS.bf16"]).toBeLessThanOrEqual(310e15);
    expect(nvl?.totals["peakFlopsPerS.bf16"]).toBeCloseTo(180e15, -12);
    expect(cm?.totals.hbmCapacityBytes).toBe(49.152e12);
    expect(nvl?.totals.hbmCapacityBytes).toBeGreaterThanOrEqual(13.4e12 - 0.01e12);
    expect(nvl?.totals.hbmCapacityBytes).toBeLessThanOrEqual(13.8e12);
    expect(cm?.totals.powerW).toBe(559e3);
    expect(nvl?.totals.powerW).toBe(145e3);
    const bf16 = json.rows.find((r) => r.key === "peakFlopsPerS.bf16");
    expect(bf16?.unit).toBe("FLOP/s");
    expect(bf16?.ratios[0]).toMatchObject({ of: "cloudmatrix384", to: "gb200-nvl72" });
    expect(bf16?.ratios[0]?.value).toBeCloseTo(1.66, 2);
    expect(bf16?.values[0]?.sources.some((s) => s.url.includes("semianalysis.com"))).toBe(true);
    const perWatt = json.rows.find((r) => r.key === "peakFlopsPerW.bf16")?.ratios[0]?.value ?? 0;
    expect(1 / perWatt).toBeCloseTo(2.3, 1);
  });

  it("defaults to cloudmatrix384 vs gb200-nvl72 and prints a table with human units and sources", () => {
    const { status, stdout } = runCli(["compare"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Dense peak BF16.*299\.5 PFLOPS.*180 PFLOPS.*1\.66×/);
    expect(stdout).toMatch(/HBM capacity.*49\.15 TB.*13\.39 TB.*3\.67×/);
    expect(stdout).toMatch(/Power \(used for per-watt rows\).*559 kW.*145 kW/);
    expect(stdout).toMatch(/Power, nameplate upper bound.*719\.2 kW/);
    expect(stdout).toMatch(/BF16 FLOP\/s per watt.*\(2\.32× lower\)/);
    expect(stdout).toContain("Sources:");
    expect(stdout).toContain("https://arxiv.org/abs/2506.12708v2");
    expect(stdout).toMatch(/alternatives: 288\.8 PFLOPS/);
  });

  it("--csv has SI values and a ratio column", () => {
    const { status, stdout } = runCli(["compare", "gb200-nvl72", "hgx-h100", "--csv"]);
    expect(status).toBe(0);
    const [header, ...lines] = stdout.trim().split("\n");
    expect(header).toBe("key,label,unit,gb200-nvl72,hgx-h100,ratio:gb200-nvl72/hgx-h100,sources");
    const bf16 = lines.find((l) => l.startsWith("peakFlopsPerS.bf16,"));
    expect(bf16).toMatch(
      /^peakFlopsPerS\.bf16,Dense peak BF16,FLOP\/s,180000000000000000,7915200000000000,22\.74/,
    );
  });

  it("compares a user-defined system from --hardware (half the UB bandwidth)", () => {
    const path = writeTempFile(
      "half.yaml",
      "systems:\n  - id: cm384-half-ub\n    extends: cloudmatrix384\n    scaleUp: { linkGBps: 14 }\n",
    );
    const { status, stdout } = runCli([
      "compare",
      "cloudmatrix384",
      "cm384-half-ub",
      "--hardware",
      path,
      "--json",
    ]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as CompareJson;
    expect(json.systems[1]?.totals.scaleUpTotalBytesPerS).toBeCloseTo(75.264e12, -9);
    expect(json.rows.find((r) => r.key === "scaleUpTotalBytesPerS")?.ratios[0]?.value).toBe(2);
  });
});

describe("bad input gives one paragraph and a non-zero exit, never a stack", () => {
  const expectOneParagraph = (stderr: string) => {
    expect(stderr).toMatch(/^supernode: /);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  };

  it("unknown system id: suggests the nearest names", () => {
    const { status, stdout, stderr } = runCli(["compare", "cloudmatrix", "gb200-nvl27"]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe('supernode: unknown system "cloudmatrix". Did you mean cloudmatrix384?\n');
  });

  it("YAML syntax error: file:line:col", () => {
    const path = writeTempFile("broken.yaml", "systems:\n  - id: x\n    scaleUp: { linkGBps: [1, 2\n");
    const { status, stderr } = runCli(["compare", "--hardware", path]);
    expect(status).toBe(1);
    expectOneParagraph(stderr);
    expect(stderr).toMatch(/broken\.yaml:\d+:\d+: YAML\/JSON syntax error/);
  });

  it("schema violation: the field path, what was expected and the unit", () => {
    const path = writeTempFile(
      "schema.yaml",
      "chips:\n  - id: q\n    extends: h100-sxm\n    memory:\n      bandwidthGBps: fast\n",
    );
    const { status, stderr } = runCli(["compare", "--hardware", path]);
    expect(status).toBe(1);
    expectOneParagraph(stderr);
    expect(stderr).toMatch(
      /schema\.yaml:5:\d+, field chips\[0\]\.memory\.bandwidthGBps: expected a number in GB\/s/,
    );
  });

  it("impossible values: zero bandwidth and an extends cycle", () => {
    const zero = writeTempFile(
      "zero.yaml",
      "systems:\n  - id: q\n    extends: gb200-nvl72\n    scaleUp: { linkGBps: 0 }\n",
    );
    const a = runCli(["compare", "--hardware", zero]);
    expect(a.status).toBe(1);
    expectOneParagraph(a.stderr);
    expect(a.stderr).toMatch(
      /zero\.yaml:4:\d+, field systems\[0\]\.scaleUp\.linkGBps.*expected a positive number in GB\/s/,
    );
    const cycle = writeTempFile(
      "cycle.yaml",
      "systems:\n  - id: a\n    extends: b\n  - id: b\n    extends: a\n",
    );
    const b = runCli(["compare", "--hardware", cycle]);
    expect(b.status).toBe(1);
    expectOneParagraph(b.stderr);
    expect(b.stderr).toMatch(
      /cycle\.yaml:\d+:\d+, field systems\[\d\]\.extends: extends cycle: (a → b → a|b → a → b)/,
    );
  });

  it("a missing --hardware file and too few systems are usage errors", () => {
    const missing = runCli(["compare", "--hardware", "/nonexistent/x.yaml"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("supernode: /nonexistent/x.yaml: cannot read hardware file (ENOENT)\n");
    const one = runCli(["compare", "gb200-nvl72"]);
    expect(one.status).toBe(1);
    expectOneParagraph(one.stderr);
  });
});
