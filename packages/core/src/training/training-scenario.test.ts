import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { breakdownSumS } from "./test-support/breakdown-sum.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const job = (extra = "") => `kind: training
system: hgx-h100
chips: 64
model: llama-3.1-8b
parallelism: { tp: 8, sequenceParallel: true, pp: 2 }
batch: { globalBatch: 64, microBatch: 1, sequenceLength: 4096 }
${extra}`;

describe("training scenarios", () => {
  it("resolves the layout: dp = ranks ÷ (tp × pp × cp), micro-batches per pipeline", () => {
    const s = parseTrainingScenario(job(), "job.yaml");
    expect(s.layout.dp).toBe(4);
    expect(s.layout.microBatches).toBe(16);
    expect(s.systems).toBe(8);
  });

  it("names the field, line and the nearest valid value when the batch does not divide", () => {
    const e = supernodeErrorOf(() =>
      parseTrainingScenario(job().replace("globalBatch: 64", "globalBatch: 65"), "job.yaml"),
    );
    expect(e.kind).toBe("infeasible");
    expect(e.message).toContain("job.yaml:6");
    expect(e.message).toContain("batch.globalBatch");
    expect(e.message).toContain("nearest: 64");
  });

  it("refuses a parallel layout that does not divide the ranks, and a serving document", () => {
    expect(
      supernodeErrorOf(() => parseTrainingScenario(job().replace("pp: 2", "pp: 3"), "j.yaml")).message,
    ).toContain("does not divide the job's 64 ranks");
    expect(supernodeErrorOf(() => parseTrainingScenario("system: hgx-h100\n", "s.yaml")).message).toContain(
      "kind: training",
    );
    expect(
      supernodeErrorOf(() => parseTrainingScenario(job("parallelism: { ep: 2 }"), "j.yaml")).kind,
    ).toBeDefined();
  });

  it("takes two interleaved chunks beyond the layers (the embedding and the loss) and refuses more", () => {
    const chunks = (v: number) =>
      job().replace("pp: 2 }", `pp: 2, schedule: interleaved, virtualStages: ${v} }`);
    // Llama 3.1 8B: 32 layers; pp 2 × 17 = 34 chunks = 32 layers + embedding + loss.
    expect(parseTrainingScenario(chunks(17), "j.yaml").layout.virtualStages).toBe(17);
    const e = supernodeErrorOf(() => parseTrainingScenario(chunks(18), "j.yaml"));
    expect(e.message).toContain("j.yaml:5");
    expect(e.message).toContain("36 model chunks, more than the 32 layers plus the embedding and the loss");
  });

  it("estimates a step whose breakdown adds up to the step time", () => {
    const e = trainEstimate(parseTrainingScenario(job(), "job.yaml"));
    expect(breakdownSumS(e)).toBeCloseTo(e.stepS, 9);
    expect(e.mfu).toBeGreaterThan(0.1);
    expect(e.mfu).toBeLessThan(0.8);
    expect(e.memory.fits).toBe(true);
  });

  it("systems differ for fabric reasons: with TP 8 inside each server, DP crosses 400G NICs on HGX but stays on NVLink in an NVL72", () => {
    const dpHeavy = (system: string, chips: number) =>
      trainEstimate(
        parseTrainingScenario(
          `kind: training\nsystem: ${system}\nchips: ${chips}\nmodel: llama-3.1-8b\nparallelism: { tp: 8, sequenceParallel: true, zero: 1 }\noverlap: { gradReduce: false, paramGather: false }\nbatch: { globalBatch: ${chips}, microBatch: 1, sequenceLength: 4096 }\n`,
          "j.yaml",
        ),
      ).breakdown.dp.totalS;
    expect(dpHeavy("hgx-h100", 64)).toBeGreaterThan(2 * dpHeavy("gb200-nvl72", 64));
  });

  it("reports what does not fit and by how much", () => {
    const e = trainEstimate(
      parseTrainingScenario(
        job()
          .replace("llama-3.1-8b", "llama-3.1-70b")
          .replace("pp: 2", "pp: 1")
          .replace("tp: 8", "tp: 1")
          .replace("sequenceParallel: true", "zero: 0"),
        "j.yaml",
      ),
    );
    expect(e.memory.fits).toBe(false);
    expect(e.memory.overBytes).toBeGreaterThan(1e12 - 80e9);
  });

  it("the reference scenarios parse", () => {
    for (const name of ["llama3-405b-h100-16k", "deepseek-v3-h800-2048"])
      expect(parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`).kind).toBe("training");
  });
});
