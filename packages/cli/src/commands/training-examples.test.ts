import { readdirSync, readFileSync } from "node:fs";
import { parseTrainingScenario, trainEstimate, trainingScenarioText } from "@supernode/core";
import { describe, expect, it } from "vitest";

// The examples are files, so this test lives in the CLI package (core tests use no Node APIs).
const root = new URL("../../../../", import.meta.url).pathname;
const examples = readdirSync(`${root}examples`).filter(
  (f) => f.startsWith("training-") && f.endsWith(".yaml"),
);

describe("training examples", () => {
  it("the DeepSeek-V3 example is the validate reference scenario", () => {
    expect(readFileSync(`${root}examples/training-deepseek-v3-h800.yaml`, "utf8")).toBe(
      trainingScenarioText("deepseek-v3-h800-2048"),
    );
  });

  it.each(examples)("%s estimates with finite figures", (file) => {
    const e = trainEstimate(parseTrainingScenario(readFileSync(`${root}examples/${file}`, "utf8"), file));
    expect(Number.isFinite(e.stepS) && e.stepS > 0).toBe(true);
    expect(e.mfu).toBeGreaterThan(0.05);
    expect(e.mfu).toBeLessThan(0.9);
  });

  it("equal-power comparison: the examples say where each machine's step goes", () => {
    const run = (f: string) =>
      trainEstimate(parseTrainingScenario(readFileSync(`${root}examples/${f}`, "utf8"), f));
    const cm = run("training-llama3-70b-cloudmatrix384.yaml");
    const nvl = run("training-llama3-70b-gb200-nvl72x4.yaml");
    expect(cm.memory.fits && nvl.memory.fits).toBe(true);
    // Same tokens per step on both; throughput per machine follows from the step times.
    expect(cm.tokensPerStep).toBe(nvl.tokensPerStep);
  });
});
