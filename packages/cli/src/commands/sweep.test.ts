import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { captureIo } from "../cli-io.ts";
import { buildProgram, runCommandLine } from "../program.ts";
import { writeTempFile } from "../test-support/temp-file.ts";
import * as merge from "./merge.ts";
import * as sweep from "./sweep.ts";

const example = fileURLToPath(
  new URL("../../../../examples/cloudmatrix384-deepseek-r1-decode.yaml", import.meta.url),
);
const planText = `scenario: ${example}
command: estimate
grid:
  deployment.decode.batchPerChip: [8, 32, 96, 100000]
  deployment.decode.kvLength: [1024, 4096, 8192]
`;

async function run(args: string[]) {
  const io = captureIo();
  const status = await runCommandLine(buildProgram(io, [sweep, merge]), io, args);
  return { status, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe("supernode sweep (local pool)", () => {
  it("gives the same bytes on 1 or 2 threads, resumed, and as merged shards", async () => {
    const plan = writeTempFile("plan.yaml", planText);
    const dir = dirname(plan);
    const one = join(dir, "one.jsonl");
    const two = join(dir, "two.jsonl");
    const r1 = await run(["sweep", plan, "--out", one, "--threads", "1"]);
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/12 points: 9 ran, 3 failed at input/);
    expect((await run(["sweep", plan, "--out", two, "--threads", "2"])).status).toBe(0);
    const bytes = readFileSync(one, "utf8");
    expect(readFileSync(two, "utf8")).toBe(bytes);
    const lines = bytes.trimEnd().split("\n");
    expect(lines).toHaveLength(12);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      id: "p000000",
      set: { "deployment.decode.batchPerChip": 8, "deployment.decode.kvLength": 1024 },
      result: { bound: expect.any(String), decodeTokensPerSPerChip: expect.any(Number) },
    });
    expect(JSON.parse(lines[11] as string).error).toMatch(/./);

    // A run killed after 5 points (and mid-line) resumes with the other 7.
    writeFileSync(two, `${lines.slice(0, 5).join("\n")}\n{"id":"p0000`);
    const resumed = await run(["sweep", plan, "--out", two, "--threads", "2"]);
    expect(resumed.stderr).toMatch(/7 point\(s\) run .* 5 already there/);
    expect(readFileSync(two, "utf8")).toBe(bytes);

    const shards = [join(dir, "s1.jsonl"), join(dir, "s2.jsonl")];
    for (const [i, out] of shards.entries())
      expect(
        (await run(["sweep", plan, "--out", out, "--threads", "1", "--shard", `${i + 1}/2`])).status,
      ).toBe(0);
    expect(
      readFileSync(shards[0] as string, "utf8")
        .trimEnd()
        .split("\n"),
    ).toHaveLength(6);
    const merged = await run(["merge", ...shards]);
    expect(merged.stdout).toBe(bytes);
  }, 120_000);

  it("refuses to resume into the results of another plan", async () => {
    const plan = writeTempFile("plan.yaml", planText);
    const out = join(dirname(plan), "other.jsonl");
    writeFileSync(
      out,
      `${JSON.stringify({ id: "p000000", plan: "0000000000000000", version: "0", set: {} })}\n`,
    );
    const r = await run(["sweep", plan, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds results of another sweep/);
  });

  it("sweeps training steps on the pool (same bytes on 1 and 2 threads) and ranks them by tokens/s per chip", async () => {
    const training = fileURLToPath(
      new URL("../../../../examples/training-llama3-70b-h100.yaml", import.meta.url),
    );
    const plan = writeTempFile(
      "train-plan.yaml",
      `scenario: ${training}\ncommand: train\ngrid:\n  parallelism.pp: [2, 4, 8]\n  batch.microBatch: [1, 2]\n`,
    );
    const [one, two] = ["t1.jsonl", "t2.jsonl"].map((f) => join(dirname(plan), f)) as [string, string];
    const r1 = await run(["sweep", plan, "--out", one, "--threads", "1"]);
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/6 points: 6 ran, 0 failed at input/);
    expect(r1.stdout).toMatch(/tok\/s\/chip.*step ms.*MFU %.*GB\/rank.*fits/);
    expect((await run(["sweep", plan, "--out", two, "--threads", "2"])).status).toBe(0);
    expect(readFileSync(two, "utf8")).toBe(readFileSync(one, "utf8"));
    const first = JSON.parse(readFileSync(one, "utf8").split("\n")[0] as string);
    expect(first).toMatchObject({
      id: "p000000",
      result: { mfu: expect.any(Number), fits: expect.any(Boolean) },
    });
  }, 120_000);

  it("refuses search settings in a plan whose command is not search", async () => {
    const plan = writeTempFile("bad-plan.yaml", `${planText}search: { tpotMs: 40 }\n`);
    const r = await run(["sweep", plan, "--out", join(dirname(plan), "bad.jsonl")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad-plan\.yaml:\d+:\d+.*search applies only to command: search/);
  });
});
