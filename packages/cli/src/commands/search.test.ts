import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const example = join(root, "examples", "cloudmatrix384-deepseek-r1-decode.yaml");
const narrow = ["--chips", "160", "--batches", "32,96,4096", "--attention-tp", "1,3"];

describe("supernode search and frontier", () => {
  it("ranks, counts pruned candidates, and writes winners that estimate runs to the same figures", () => {
    const dir = mkdtempSync(join(tmpdir(), "search-"));
    const { status, stdout, stderr } = runCli([
      "search",
      example,
      ...narrow,
      "--top",
      "2",
      "--json",
      "--out-dir",
      dir,
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.pruned["does not divide: attention.tp"]).toBeGreaterThan(0);
    expect(r.pruned["does not fit in HBM"]).toBeGreaterThan(0);
    expect(r.ranked).toHaveLength(2);
    expect(r.ranked[0].tpotS).toBeLessThanOrEqual(0.05);
    expect(r.configsPerCpuS).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(["rank-01.yaml", "rank-02.yaml"]);
    const winner = join(dir, "rank-01.yaml");
    expect(readFileSync(winner, "utf8")).toMatch(/^# rank 1 of supernode search/);
    const est = runCli(["estimate", winner, "--json"]);
    expect(est.status).toBe(0);
    expect(JSON.parse(est.stdout).decodeTokensPerSPerChip).toBeCloseTo(r.ranked[0].tokensPerSPerChip, 6);

    const table = runCli(["search", example, ...narrow, "--top", "1", "--rank", "tokens-per-kw", "--launch"]);
    expect(table.stdout).toMatch(/configurations per CPU-second/);
    expect(table.stdout).toMatch(/ranked by tokens\/s per kW/);
    // CloudMatrix384: vLLM-Ascend, with the plan's DP attention and EP, and the assumptions
    expect(table.stdout).toMatch(/vllm serve deepseek-ai\/DeepSeek-R1[\s\S]*--enable-expert-parallel/);
    expect(table.stdout).toMatch(/The step model assumed/);
    expect(table.stdout).toMatch(/pruned [\d,]+:\n/);

    const svg = join(dir, "frontier.svg");
    const f = runCli(["frontier", example, ...narrow, "--svg", svg, "--csv"]);
    expect(f.status).toBe(0);
    expect(f.stdout.split("\n")[0]).toBe("system,tokensPerSPerUser,tokensPerSPerChip,tpotMs,deployment");
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*<circle[\s\S]*<\/svg>\n$/);
  });
});
