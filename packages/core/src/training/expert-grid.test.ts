import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { epLayerComm } from "./ep-layer-comm.ts";
import { expertGrid } from "./layout-checks.ts";
import { trainingMemory } from "./training-memory.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

// Nemotron 3 Super on 64 GB200 as Megatron-Bridge 26.08 runs it: TP2 with SP, EP64, ETP1.
const job = (parallelism: string) => `kind: training
system: gb200-nvl72
chips: 64
model: nemotron-3-super-120b-a12b
precision: { compute: fp8, fp8Scaling: blockwise, dispatch: bf16, gradients: bf16 }
parallelism: ${parallelism}
batch: { globalBatch: 512, microBatch: 1, sequenceLength: 8192 }
tokenDispatcher: hybridep
`;

describe("the expert grid (carved out of dp × cp, or folded with etp: 1)", () => {
  it("places EP and expert data parallelism", () => {
    expect(expertGrid(2, 1, 32, 64, true)).toEqual({ epStride: 1, expertDp: 1, expertDpStride: 64 });
    expect(expertGrid(2, 1, 32, 8, true)).toEqual({ epStride: 1, expertDp: 8, expertDpStride: 8 });
    expect(expertGrid(2, 1, 32, 8, false)).toEqual({ epStride: 2, expertDp: 4, expertDpStride: 16 });
    // With context parallelism the expert grid has no cp axis: EP still steps over whole TP groups.
    expect(expertGrid(2, 2, 16, 8, false)).toEqual({ epStride: 2, expertDp: 4, expertDpStride: 16 });
  });

  it("folds EP over tp × dp with etp: 1 and refuses the same layout without it", () => {
    const folded = parseTrainingScenario(
      job("{ tp: 2, sequenceParallel: true, ep: 64, etp: 1 }"),
      "super.yaml",
    );
    expect(folded.layout).toMatchObject({ dp: 32, ep: 64, epStride: 1, expertDp: 1 });
    const e = supernodeErrorOf(() =>
      parseTrainingScenario(job("{ tp: 2, sequenceParallel: true, ep: 64 }"), "super.yaml"),
    );
    expect(e.message).toContain("must divide dp × cp = 32");
    expect(e.message).toContain("etp: 1");
    const tooWide = supernodeErrorOf(() =>
      parseTrainingScenario(job("{ tp: 2, sequenceParallel: true, ep: 128, etp: 1 }"), "super.yaml"),
    );
    expect(tooWide.message).toContain("must divide tp × cp × dp = 64");
  });

  it("shards the expert states over tp × dp ÷ ep and sends the SP shard's copies over consecutive ranks", () => {
    const folded = parseTrainingScenario(job("{ tp: 2, sequenceParallel: true, ep: 8, etp: 1 }"), "a.yaml");
    const carved = parseTrainingScenario(job("{ tp: 2, sequenceParallel: true, ep: 8 }"), "b.yaml");
    expect(folded.layout.expertDp).toBe(8);
    expect(carved.layout.expertDp).toBe(4);
    // Twice the ranks share the expert optimizer states under ZeRO-1.
    expect(trainingMemory(folded).worst.optimizer).toBeLessThan(trainingMemory(carved).worst.optimizer);
    // Eight consecutive GPUs (two compute trays) against eight GPUs two apart: same NVLink domain
    // here, but the consecutive group takes the node-deduplicating kernels, the strided one an all-to-all.
    const foldedComm = epLayerComm(folded, 8192);
    expect(foldedComm.dispatchS).toBeGreaterThan(0);
    expect(foldedComm.dispatchS).not.toBeCloseTo(epLayerComm(carved, 8192).dispatchS, 9);
  });
});
