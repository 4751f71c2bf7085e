import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  estimate,
  parseScenarioSource,
  pointOverrides,
  readSourceDocument,
  summarizeEstimate,
} from "@supernode/core";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";
import { runSweepTask } from "./sweep-task.ts";

const file = fileURLToPath(
  new URL("../../../../examples/cloudmatrix384-deepseek-r1-serving.yaml", import.meta.url),
);
const base = { scenarioText: readFileSync(file, "utf8"), scenarioFile: file } as const;
const example = (name: string) => fileURLToPath(new URL(`../../../../examples/${name}`, import.meta.url));
const read = (path: string) => ({ scenarioText: readFileSync(path, "utf8"), scenarioFile: path });

describe("one sweep point", () => {
  it("simulates with the point's seed and overrides, reproducibly", () => {
    const task = {
      ...base,
      command: "simulate",
      set: { "workload.arrival.ratePerS": 40 },
      requests: 60,
    } as const;
    const a = runSweepTask({ ...task, seed: 1 });
    expect(a).toMatchObject({ result: { completed: 60, dropped: 0 } });
    expect(runSweepTask({ ...task, seed: 1 })).toEqual(a);
    expect(runSweepTask({ ...task, seed: 2 })).not.toEqual(a);
  });

  it("returns a point's input error naming its override instead of failing the sweep", () => {
    const outcome = runSweepTask({
      ...base,
      command: "estimate",
      set: { "deployment.decode.batchPerChip": -1 },
    });
    expect(outcome).toEqual({ error: expect.stringMatching(/deployment\.decode\.batchPerChip=-1/) });
  });

  it("estimates every point as the whole document parsed with its overrides, inside the deployment or not", () => {
    // Points inside `deployment` validate only that section and share the resolved system, model,
    // engine and precision; the others parse the whole document. Interleaved, so the shared
    // sections must not carry one point's overrides into the next.
    const decode = example("cloudmatrix384-deepseek-r1-decode.yaml");
    const text = readFileSync(decode, "utf8");
    const readFile = (path: string) => readFileSync(resolve(dirname(decode), path), "utf8");
    const sets = [
      { "deployment.decode.batchPerChip": 32 },
      { "precision.kvCache": "int8" },
      { "deployment.decode.batchPerChip": 64, "deployment.decode.kvLength": 8192 },
      { "deployment.decode.kvLength": 2048, "precision.kvCache": "int8" },
      { "deployment.decode.batchPerChip": 32 },
      { "deployment.decode.batchPerChip": 32, "precision.kvCache": "int8" },
    ];
    const outcomes = sets.map((set) => runSweepTask({ ...read(decode), command: "estimate", set }));
    sets.forEach((set, i) => {
      const whole = parseScenarioSource(readSourceDocument(text, decode), undefined, {
        overrides: pointOverrides(set),
        readFile,
      });
      expect(outcomes[i], JSON.stringify(set)).toEqual({ result: summarizeEstimate(estimate(whole)) });
    });
    expect(outcomes[5]).not.toEqual(outcomes[0]); // the override outside the deployment matters
  });

  it("runs a training step with the point's overrides: the figures of supernode train", () => {
    const training = example("training-llama3-70b-h100.yaml");
    const outcome = runSweepTask({ ...read(training), command: "train", set: { "parallelism.pp": 8 } });
    const cli = runCli(["train", training, "--set", "parallelism.pp=8", "--json"]);
    expect(cli.status, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout);
    expect(outcome).toEqual({
      result: {
        stepS: report.stepS,
        tokensPerSPerChip: report.tokensPerSPerChip,
        mfu: report.mfu,
        memoryBytesPerRank: report.memory.worst.total,
        capacityBytesPerRank: report.memory.capacityBytes,
        fits: report.memory.fits,
        goodput: report.goodput.goodput,
        trainSecondsWithFailures: report.train.secondsWithFailures,
      },
    });
    expect(runSweepTask({ ...read(training), command: "train", set: { "parallelism.tp": 3 } })).toEqual({
      error: expect.stringMatching(/tp × pp × cp = 3 × 4 × 1 = 12 does not divide/),
    });
  });

  it("searches with the plan's SLO and lists: the best deployment of supernode search", () => {
    const decode = example("cloudmatrix384-deepseek-r1-decode.yaml");
    const search = { tpotMs: 45, chips: [160], batches: [32, 96], attentionTp: [1] };
    const outcome = runSweepTask({ ...read(decode), command: "search", set: {}, search });
    const cli = runCli(
      ["search", decode, "--tpot-ms", "45", "--chips", "160", "--batches", "32,96"].concat([
        "--attention-tp",
        "1",
        "--json",
      ]),
    );
    expect(cli.status, cli.stderr).toBe(0);
    const r = JSON.parse(cli.stdout);
    const best = r.ranked[0];
    expect(outcome).toEqual({
      result: {
        total: r.total,
        evaluated: r.evaluated,
        meetingSlo: expect.any(Number),
        best: {
          label: best.label,
          tokensPerSPerChip: best.tokensPerSPerChip,
          tpotS: best.tpotS,
          ttftS: best.ttftS ?? null,
          memoryPerChipBytes: best.memoryPerChipBytes,
        },
        baseTokensPerSPerChip: r.base.tokensPerSPerChip,
      },
    });
    expect(best.tpotS).toBeLessThanOrEqual(0.045);
  }, 60_000);
});
