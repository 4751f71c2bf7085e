import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const example = (name: string) => join(root, "examples", `${name}.yaml`);

describe("supernode estimate", () => {
  it("splits a pipelined finite run into the iterations that admit prompts and the decode-only rest", () => {
    const { status, stdout } = runCli(["estimate", example("trtllm-gpt-oss-blackwell-offline")]);
    expect(status).toBe(0);
    const ms = (x: string | undefined) => Number((x ?? "").replaceAll(",", ""));
    const m =
      /finite run of [\d,]+ requests queued at once: ([\d,.]+) ms \(([\d,]+) iterations,.*; ([\d,]+) iterations admitting prompts ([\d,.]+) ms, decode-only ([\d,.]+) ms\)/.exec(
        stdout,
      );
    expect(m).not.toBeNull();
    const [total, iterations, promptIterations, promptS, decodeS] = [
      m?.[1],
      m?.[2],
      m?.[3],
      m?.[4],
      m?.[5],
    ].map(ms);
    expect(promptIterations).toBeGreaterThan(0);
    expect(promptIterations).toBeLessThan(iterations ?? 0);
    expect(promptS).toBeGreaterThan(0);
    expect(decodeS).toBeGreaterThan(0);
    expect((promptS ?? 0) + (decodeS ?? 0)).toBeCloseTo(total ?? 0, 1);
  });

  it("prints a disaggregated deployment's output tokens/s per chip of both pools", () => {
    const { status, stdout } = runCli(["estimate", example("cloudmatrix384-deepseek-r1-serving")]);
    expect(status).toBe(0);
    // 6 × 16 prefill NPUs at 4K prompts feed fewer requests than the 160-NPU decode pool finishes.
    expect(stdout).toMatch(
      /Disaggregated, both pools \(96 prefill \+ 160 decode chips; 4,096-token prompts, 256-token outputs\):\n {2}[\d,]+ output tokens\/s per chip of both pools \([\d,]+ in all\) · bound by prefill/,
    );
  });

  it("prints the CloudMatrix384 decode breakdown with streams, memory and bound", () => {
    const { status, stdout, stderr } = runCli(["estimate", example("cloudmatrix384-deepseek-r1-decode")]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toContain("TPOT");
    expect(stdout).toContain("tokens/s per chip");
    expect(stdout).toMatch(/Microbatch streams:\n {2}dense layer/);
    // the per-layer table leaves out the LM head, and says where it is: the step line's head term
    expect(stdout).toContain("the embedding and LM head are no layer: see head in the Step line");
    expect(stdout).toMatch(/Step: layers [\d.]+ ms \+ pipeline fill [\d.]+ ms \+ head [\d.]+ ms/);
    expect(stdout).toContain("attention");
    expect(stdout).toContain("expert GEMMs");
    expect(stdout).toContain("dispatch");
    expect(stdout).toMatch(/Memory \(\d+ % of HBM used\):/);
    expect(stdout).toMatch(/communication buffers +│ [\d.]+ GB +│ 667 MB/);
    expect(stdout).toMatch(/bound: (compute|memory|fabric|overhead)/);
    // beside the results: the nearest published case, its label and the model's error there
    expect(stdout).toMatch(
      /decode tokens\/s: cm384-106 \(calibration\) — model error there [+−][\d.]+ %; distance 0\.0: same system, chip, model and operating point/,
    );
    expect(stdout).toMatch(/TPOT: cm384-107 \(calibration, same measurement as cm384-106\)/);
  });

  it("Llama 3.1 70B, TP4 × PP2 on 8 H200, offline: prints the bubble, the inter-stage transfers and tokens/s per GPU", () => {
    const { status, stdout, stderr } = runCli(["estimate", example("hgx-h200-llama-3.1-70b-offline-pp")]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout).toMatch(/Offline \(maximum throughput\).*\n {2}best batch [\d,]+ sequences per instance/);
    expect(stdout).toMatch(/[\d,]+ output tokens\/s per chip \([\d,]+ per 8-chip instance\)/);
    expect(stdout).toContain("Pipeline: 2 stages (layers 40 + 40), 2 microbatches in flight");
    expect(stdout).toMatch(
      /inter-stage transfer 0→1 over NVLink[^:]*: [\d.]+ MB per rank, send \d+ µs \+ all-gather \d+ µs/,
    );
    expect(stdout).toMatch(/pipeline bubble: [\d.]+ ms per step = [\d.]+ % of each stage's time idle/);
  });

  it("--json gives SI values; --set changes the operating point", () => {
    const base = runCli(["estimate", example("cloudmatrix384-deepseek-r1-decode"), "--json"]);
    expect(base.status).toBe(0);
    const e = JSON.parse(base.stdout);
    expect(e.decode.tpotS).toBeGreaterThan(0.02);
    expect(e.decode.tpotS).toBeLessThan(0.1);
    expect(e.reference.map((r: { result: string; caseId: string }) => `${r.result} ${r.caseId}`)).toEqual([
      "decode-throughput cm384-106",
      "tpot cm384-107",
    ]);
    const smaller = JSON.parse(
      runCli([
        "estimate",
        example("cloudmatrix384-deepseek-r1-decode"),
        "--json",
        "--set",
        "deployment.decode.batchPerChip=48",
      ]).stdout,
    );
    expect(smaller.decode.batchPerChip).toBe(48);
    expect(smaller.decode.tpotS).toBeLessThan(e.decode.tpotS);
  });

  it("flags defaulted efficiencies on chips without microbenchmarks", () => {
    const { status, stdout } = runCli(["estimate", example("sglang-h100-deepseek-v3-prefill")]);
    expect(status).toBe(0);
    expect(stdout).toContain("TTFT");
    expect(stdout).toContain("Flagged: defaulted");
  });

  it("fails in one paragraph when the deployment does not fit or does not divide", () => {
    const fit = runCli([
      "estimate",
      example("cloudmatrix384-deepseek-r1-decode"),
      "--set",
      "deployment.decode.batchPerChip=640",
    ]);
    expect(fit.status).toBe(1);
    expect(fit.stderr).toMatch(
      /does not fit: each die needs [\d.]+ GB .*has 64\.0 GB of HBM: [\d.]+ GB short/,
    );
    expect(fit.stderr).not.toContain("    at ");
    const ep = runCli([
      "estimate",
      example("cloudmatrix384-deepseek-r1-decode"),
      "--set",
      "deployment.decode.moe.ep=256",
    ]);
    expect(ep.status).toBe(1);
    expect(ep.stderr).toMatch(
      /^supernode: --set deployment\.decode\.moe\.ep=256: MoE EP256 × TP1 = 256 ranks, but the instance has 320 ranks/,
    );
  });

  it("reports YAML errors at file:line:col and unreadable files as usage errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "supernode-estimate-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "system: cloudmatrix384\nmodel: [deepseek-r1\n");
    const syntax = runCli(["estimate", bad]);
    expect(syntax.status).toBe(1);
    expect(syntax.stderr).toMatch(/bad\.yaml:\d+:\d+: YAML\/JSON syntax error/);
    const missing = runCli(["estimate", join(dir, "nope.yaml")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("cannot read scenario file (ENOENT)");
  });

  // One estimate per example (117 at stop 45, growing), the nearest reference cases read from the
  // build's table (runCli): 12.6 s of CPU at stop 45 (21.8 s predicting the cases in the worker);
  // minutes under load — beyond the suite's 60 s default for a single test, so it gets its own limit.
  it("every example runs as it is", { timeout: 180_000 }, () => {
    const scenarios = readdirSync(join(root, "examples"))
      .filter((f) => f.endsWith(".yaml"))
      .filter((f) => /^deployment:/m.test(readFileSync(join(root, "examples", f), "utf8")));
    expect(scenarios.length).toBeGreaterThanOrEqual(5);
    for (const name of scenarios) {
      const { status, stderr } = runCli(["estimate", join(root, "examples", name), "--json"]);
      expect(stderr, name).toBe("");
      expect(status, name).toBe(0);
    }
  });

  it("the embedded reference scenarios are the examples (no drift)", () => {
    const dataDir = join(root, "packages/core/data/references/scenarios");
    const names = readdirSync(dataDir).filter((f) => f.endsWith(".yaml"));
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names)
      expect(readFileSync(join(dataDir, name), "utf8"), name).toBe(
        readFileSync(join(root, "examples", name), "utf8"),
      );
  });
});
