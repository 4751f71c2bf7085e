import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runSweepTask } from "./sweep-task.ts";

const file = fileURLToPath(
  new URL("../../../../examples/cloudmatrix384-deepseek-r1-serving.yaml", import.meta.url),
);
const base = { scenarioText: readFileSync(file, "utf8"), scenarioFile: file } as const;

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
});
