import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { writeTempFile } from "../test-support/temp-file.ts";

/** Llama 3.1 8B on one H100, short answers: each simulated run is quick. */
const scenario = (slo: string) => `name: Llama 3.1 8B on one H100
system: hgx-h100
model: llama-3.1-8b
precision: { weights: bf16, kvCache: bf16, attention: bf16 }
deployment:
  colocated:
    chipsPerInstance: 1
    attention: { tp: 1 }
    denseFfn: { tp: 1 }
    batchPerChip: 64
    kvLength: 1200
    tokensPerChip: 2048
    promptLength: 1000
workload:
  arrival: { kind: poisson, ratePerS: 5 }
  promptTokens: { kind: uniform, minTokens: 200, maxTokens: 1800 }
  outputTokens: { kind: uniform, minTokens: 20, maxTokens: 300 }
  requests: 1000
serving:
  scheduler: { maxBatchTokens: 2048 }
${slo}
`;

describe("supernode simulate --max-rate", () => {
  it("prints the runs and the sustained rate; --json gives the search as data", () => {
    const file = writeTempFile("s.yaml", scenario("  slo: { ttftS: 0.5, tpotS: 0.03 }"));
    const text = runCli(["simulate", file, "--max-rate", "--requests", "1000"]);
    expect(text.stderr).toBe("");
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("highest Poisson rate with p99 TTFT ≤ 500 ms and p99 TPOT ≤ 30 ms");
    expect(text.stdout).toMatch(/sustained: [\d.,]+ requests\/s \([\d.,]+ misses\)/);
    const json = runCli([
      "simulate",
      file,
      "--max-rate",
      "--requests",
      "1000",
      "--percentile",
      "90",
      "--json",
    ]);
    expect(json.status).toBe(0);
    const found = JSON.parse(json.stdout);
    expect(found.limits).toEqual({ percentile: 0.9, ttftS: 0.5, tpotS: 0.03 });
    expect(found.best.meetsLimits).toBe(true);
    expect(found.best.ttftS).toBeLessThanOrEqual(0.5);
    expect(found.above.meetsLimits).toBe(false);
    expect(found.above.ratePerS).toBeGreaterThan(found.best.ratePerS);
  });

  it("explains missing limits and bad flags", () => {
    const file = writeTempFile("s.yaml", scenario(""));
    const none = runCli(["simulate", file, "--max-rate"]);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain(
      "--max-rate needs both limits in the scenario: serving.slo.ttftS and serving.slo.tpotS",
    );
    const bad = runCli(["simulate", file, "--max-rate", "--percentile", "0"]);
    expect(bad.stderr).toContain("--percentile expects a number between 0 and 100");
    const alone = runCli(["simulate", file, "--percentile", "90", "--requests", "10"]);
    expect(alone.stderr).toContain("--percentile goes with --max-rate");
    const withDuration = runCli(["simulate", file, "--max-rate", "--duration", "10"]);
    expect(withDuration.stderr).toContain("give --requests, not --duration");
    const withCsv = runCli(["simulate", file, "--max-rate", "--csv", "out.csv", "--trace", "t.json"]);
    expect(withCsv.status).not.toBe(0);
    expect(withCsv.stderr).toContain("drop --csv, --trace");
  });
});
