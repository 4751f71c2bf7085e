import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import { stepSync } from "./step-sync.ts";
import { breakdownSumS } from "./test-support/breakdown-sum.ts";
import { trainEstimate } from "./train-estimate.ts";
import { trainingMemory } from "./training-memory.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

// Llama 3.1 70B under FSDP on four GB200 NVL72 racks, plain or hybrid-sharded per rack.
const job = (extra: string) => `kind: training
system: gb200-nvl72
chips: 256
fabric: ib-ndr-fat-tree
model: llama-3.1-70b
parallelism: { tp: 4, sequenceParallel: true, zero: 3${extra} }
batch: { globalBatch: 256, microBatch: 1, sequenceLength: 8192 }
`;

describe("hybrid sharding (parallelism.optimizerInstances)", () => {
  it("keeps the per-micro-batch gathers inside an instance and adds one step across instances", () => {
    const fsdp = parseTrainingScenario(job(""), "fsdp.yaml");
    const hsdp = parseTrainingScenario(job(", optimizerInstances: 4"), "hsdp.yaml");
    const sync = (s: typeof fsdp) => {
      const params = stageParams(s)[0];
      if (params === undefined) throw new Error("no stage");
      return stepSync(s, params, pipelineCompute(s).bottleneck);
    };
    const a = sync(fsdp);
    const b = sync(hsdp);
    // Inside a rack (NVLink) instead of across four racks (InfiniBand): per micro-batch far less.
    expect(b.dp.totalS).toBeLessThan(a.dp.totalS);
    expect(a.dpStepExposedS).toBe(0);
    // The step is the loop plus the exposed cross-instance part (the breakdown still adds up). The
    // overlapped job hides that part under the last backward and the first forward; without overlap it shows.
    const waited = parseTrainingScenario(
      `${job(", optimizerInstances: 4")}overlap: { gradReduce: false, paramGather: false }\n`,
      "waited.yaml",
    );
    expect(sync(waited).dpStepExposedS).toBeGreaterThan(0);
    const e = trainEstimate(waited);
    expect(breakdownSumS(e)).toBeCloseTo(e.stepS, 9);
    // Parameters and gradients sharded over 16 ranks instead of 64; optimizer states over all 64.
    const m0 = trainingMemory(fsdp).worst;
    const m1 = trainingMemory(hsdp).worst;
    expect(m1.params / m0.params).toBeCloseTo(4, 6);
    expect(m1.gradients / m0.gradients).toBeCloseTo(4, 6);
    expect(m1.optimizer).toBeCloseTo(m0.optimizer, 6);
  });

  it("needs zero: 3 and a divisor of the data-parallel ranks", () => {
    expect(
      supernodeErrorOf(() =>
        parseTrainingScenario(job(", optimizerInstances: 4").replace("zero: 3", "zero: 1"), "z.yaml"),
      ).message,
    ).toContain("needs zero: 3");
    expect(
      supernodeErrorOf(() => parseTrainingScenario(job(", optimizerInstances: 3"), "d.yaml")).message,
    ).toContain("must divide dp × cp = 64");
  });
});
