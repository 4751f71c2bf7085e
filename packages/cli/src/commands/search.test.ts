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

describe("supernode search --serving", () => {
  const serving = join(root, "examples", "search-deepseek-r1-cloudmatrix384.yaml");
  // batch 64 as well: at 96 per chip the colocated pool's KV cache overflows at full length (kv-fit.ts)
  const tiny = ["--chips", "64", "--batches", "64,96", "--attention-tp", "2"];

  it("ranks disaggregated and chunked colocated serving within both SLOs, the KV transfer in the TTFT", () => {
    const { status, stdout, stderr } = runCli([
      "search",
      serving,
      "--serving",
      "3072/2048",
      "--ttft-ms",
      "5000",
      ...tiny,
      "--top",
      "50",
      "--json",
    ]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.shape).toEqual({ inputTokens: 3072, outputTokens: 2048 });
    expect(r.slo).toEqual({ tpotS: 0.05, ttftS: 5 });
    // DeepSeek-R1: (61 layers + 1 MTP layer) × 576 latent values × 2 bytes (BF16 KV) per prompt token
    expect(r.kvTransfer.bytes).toBe(3072 * 62 * 576 * 2);
    expect(r.kvTransfer.path).toMatch(/RDMA plane/);
    expect(r.kvTransfer.transferS).toBeGreaterThan(0);
    // both modes are searched and rank within the SLOs; the frontier is disaggregated here: the
    // decode instances' KV cache (no prefill-budget reserve, perf/kv-capacity.ts) holds batch 96,
    // whose points dominate the colocated ones in tokens/s per chip and per user
    const modes = (list: { mode: string }[]) => new Set(list.map((p) => p.mode));
    expect(modes(r.ranked)).toEqual(new Set(["disaggregated", "colocated-chunked"]));
    expect(modes(r.frontier)).toContain("disaggregated");
    for (const p of r.ranked) {
      expect(p.meetsSlo).toBe(true);
      expect(p.tpotS).toBeLessThanOrEqual(0.05);
      expect(p.ttftS).toBeLessThanOrEqual(5);
      if (p.mode === "disaggregated") {
        expect(p.kvTransferS).toBe(r.kvTransfer.transferS);
        expect(p.decodeChipShare).toBeLessThan(1);
      } else expect(p.decodeChipShare).toBe(1);
    }
    for (let i = 1; i < r.ranked.length; i++)
      expect(r.ranked[i - 1].tokensPerSPerChip).toBeGreaterThanOrEqual(r.ranked[i].tokensPerSPerChip);
    expect(r.frontier.length).toBeGreaterThan(0);
  });

  it("refuses a malformed shape and a scenario without prefill and decode groups", () => {
    const shape = runCli(["search", serving, "--serving", "3072", ...tiny]);
    expect(shape.status).not.toBe(0);
    expect(shape.stderr).toMatch(/--serving expects <input tokens>\/<output tokens>/);
    const groups = runCli(["search", example, "--serving", "3072/2048", ...tiny]);
    expect(groups.status).not.toBe(0);
    expect(groups.stderr).toMatch(/prefill and decode groups/);
  });
});
