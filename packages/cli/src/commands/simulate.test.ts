import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { writeTempFile } from "../test-support/temp-file.ts";

const scenario = (workload: string, serving = "") => `name: Llama 3.1 8B on HGX H100, colocated
system: hgx-h100
model: llama-3.1-8b
precision: { weights: bf16, kvCache: bf16, attention: bf16 }
deployment:
  colocated:
    instances: 2
    chipsPerInstance: 4
    attention: { tp: 4 }
    denseFfn: { tp: 4 }
    batchPerChip: 32
    kvLength: 2048
    tokensPerChip: 4096
    promptLength: 1024
${workload}
${serving}
`;

const poisson = `workload:
  arrival: { kind: poisson, ratePerS: 20 }
  promptTokens: { kind: lognormal, meanTokens: 1000, sigma: 0.6, maxTokens: 8000 }
  outputTokens: { kind: uniform, minTokens: 10, maxTokens: 300 }
  prefixSharing: { groups: 8, prefixTokens: 512, fraction: 0.6 }`;

describe("supernode simulate", () => {
  it("prints a summary, and the same seed gives byte-identical JSON", () => {
    const file = writeTempFile(
      "s.yaml",
      scenario(
        poisson,
        "serving: { router: cache-aware, prefixCache: { enabled: true }, slo: { ttftS: 0.5 } }",
      ),
    );
    const text = runCli(["simulate", file, "--requests", "400", "--seed", "3"]);
    expect(text.stderr).toBe("");
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("400 arrived, 400 completed, 0 dropped");
    expect(text.stdout).toMatch(/TTFT +│/);
    expect(text.stdout).toContain("prefix cache: hit rate");
    expect(text.stdout).toContain("SLO (TTFT ≤ 500 ms)");
    const a = runCli(["simulate", file, "--requests", "400", "--seed", "3", "--json"]);
    const b = runCli(["simulate", file, "--requests", "400", "--seed", "3", "--json"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const result = JSON.parse(a.stdout);
    expect(result.summary.requests.completed + result.summary.requests.dropped).toBe(400);
    expect(result.summary.prefixCache.hitRate).toBeGreaterThan(0.5);
    const c = runCli(["simulate", file, "--requests", "400", "--seed", "4", "--json"]);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("writes per-request CSV, time-series CSV and a Chrome trace; no progress bar when piped", () => {
    const file = writeTempFile("s.yaml", scenario(poisson));
    const dir = join(file, "..");
    const { status, stdout } = runCli([
      "simulate",
      file,
      "--duration",
      "5",
      "--csv",
      join(dir, "r.csv"),
      "--timeseries",
      join(dir, "ts.csv"),
      "--trace",
      join(dir, "t.json"),
    ]);
    expect(status).toBe(0);
    expect(stdout).not.toContain("simulating [");
    const rows = readFileSync(join(dir, "r.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toMatch(/^id,arrivalS,promptTokens,outputTokens/);
    expect(rows.length).toBeGreaterThan(50);
    expect(readFileSync(join(dir, "ts.csv"), "utf8")).toMatch(/^timeS,waitingPrefill/);
    const trace = JSON.parse(readFileSync(join(dir, "t.json"), "utf8"));
    expect(trace.traceEvents.some((e: { ph: string }) => e.ph === "X")).toBe(true);
  });

  it("replays a trace file named relative to the scenario", () => {
    const file = writeTempFile(
      "s.yaml",
      scenario("workload:\n  arrival: { kind: trace, file: requests.jsonl }"),
    );
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({
        arrivalS: i * 0.05,
        promptTokens: 200 + i,
        outputTokens: 20,
        prefixId: `p${i % 3}`,
        prefixTokens: 100,
      }),
    );
    writeFileSync(join(file, "..", "requests.jsonl"), `${lines.join("\n")}\n`);
    const { status, stdout, stderr } = runCli(["simulate", file, "--json"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.summary.requests.completed).toBe(30);
    // Records stream in the order requests finish; `id` is the arrival order.
    expect(result.requests).toHaveLength(30);
    const last = result.requests.find((r: { id: number }) => r.id === 29);
    expect(last.arrivalS).toBeCloseTo(1.45, 9);
    expect(last.promptTokens).toBe(229);
    expect(last.ttftS).toBeGreaterThan(0);
  });

  it("fails with one paragraph, no stack, on bad input", () => {
    const noWorkload = writeTempFile("s.yaml", scenario(""));
    const missing = runCli(["simulate", noWorkload, "--requests", "10"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no workload section");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const both = runCli(["simulate", noWorkload, "--requests", "10", "--duration", "2"]);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain("either --requests or --duration");
    const bad = writeTempFile("s.yaml", scenario("workload:\n  arrival: { kind: poisson, ratePerS: -1 }"));
    const schema = runCli(["simulate", bad, "--requests", "10"]);
    expect(schema.status).toBe(1);
    expect(schema.stderr).toMatch(/s\.yaml:\d+:\d+.*workload\.arrival/);
  });

  it("runs every serving example shipped in examples/ (files with a workload)", () => {
    const examples = fileURLToPath(new URL("../../../../examples/", import.meta.url));
    const serving = readdirSync(examples).filter(
      (f) => f.endsWith(".yaml") && /^workload:/m.test(readFileSync(join(examples, f), "utf8")),
    );
    expect(serving.length).toBeGreaterThan(0);
    for (const name of serving) {
      const { status, stdout, stderr } = runCli([
        "simulate",
        join(examples, name),
        "--requests",
        "400",
        "--json",
      ]);
      expect(stderr, name).toBe("");
      expect(status, name).toBe(0);
      const result = JSON.parse(stdout);
      expect(result.summary.requests.completed + result.summary.requests.dropped, name).toBe(400);
    }
  });
});
