import { describe, expect, it } from "vitest";
import { groupCollectiveS } from "./group-fabric.ts";
import { microbatchComm } from "./microbatch-comm.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

// Llama 3.1 70B over 4 HGX H100 nodes: TP 8 inside a node, CP 4 across the nodes, 32K sequences.
const job = (cpAlgorithm: string, recompute = "selective") =>
  parseTrainingScenario(
    `kind: training
system: hgx-h100
chips: 32
fabric: ib-ndr-fat-tree
model: llama-3.1-70b
parallelism: { tp: 8, sequenceParallel: true, cp: 4, cpAlgorithm: ${cpAlgorithm} }
batch: { globalBatch: 4, microBatch: 1, sequenceLength: 32768 }
recompute: ${recompute}
`,
    "cp.yaml",
  );

describe("context-parallel communication per micro-batch", () => {
  it("all-gather CP (Llama 3): one K/V all-gather per layer forward and one reduce-scatter backward, all exposed", () => {
    const s = job("all-gather");
    const c = pipelineCompute(s);
    const comm = microbatchComm(s, c);
    // K/V of the whole sequence: 32,768 tokens × 1 KV head per TP rank (8 / 8) × 2 × 128 dims, BF16.
    const kvBytes = 32768 * 1 * 256 * 2;
    const layers = c.bottleneck.layers;
    const expected =
      layers *
      (groupCollectiveS(s.fabricTarget, "all-gather", kvBytes, 4, 8) +
        groupCollectiveS(s.fabricTarget, "reduce-scatter", kvBytes, 4, 8));
    expect(comm.cp.totalS).toBeGreaterThan(0);
    expect(comm.cp.totalS).toBeCloseTo(expected, 12);
    expect(comm.cp.exposedS).toBe(comm.cp.totalS);
  });

  it("the ring hides its K/V passes under the attention core; the all-gather does not", () => {
    const ring = job("ring");
    const ringComm = microbatchComm(ring, pipelineCompute(ring));
    const gather = job("all-gather");
    const gatherComm = microbatchComm(gather, pipelineCompute(gather));
    expect(ringComm.cp.exposedS).toBeLessThan(ringComm.cp.totalS);
    expect(gatherComm.cp.exposedS).toBeGreaterThan(ringComm.cp.exposedS);
  });

  it("full recomputation gathers K/V again in backward", () => {
    const sel = job("all-gather");
    const full = job("all-gather", "full");
    const a = microbatchComm(sel, pipelineCompute(sel)).cp.totalS;
    const b = microbatchComm(full, pipelineCompute(full)).cp.totalS;
    expect(b).toBeGreaterThan(a);
  });
});
