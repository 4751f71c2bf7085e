import { describe, expect, it } from "vitest";
import { groupCollectiveS } from "./group-fabric.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute } from "./stage-compute.ts";
import { tpComm } from "./tp-comm.ts";
import { parseTrainingScenario, type TrainingScenario } from "./training-scenario.ts";

const scenario = (id: string): TrainingScenario => parseTrainingScenario(trainingScenarioText(id), "x.yaml");

describe("tpComm: TP collectives per TP block, backward beside the column-parallel GEMMs", () => {
  const s = scenario("llama31-8b-a2-8-mindspeed"); // TP 8 + SP, overlap.tp false (MC2 off)
  const c = pipelineCompute(s);
  const bytes = c.tokensPerRank * s.model.hiddenSize * 2;
  const ag = groupCollectiveS(s.fabricTarget, "all-gather", bytes, 8, 1);
  const rs = groupCollectiveS(s.fabricTarget, "reduce-scatter", bytes, 8, 1);
  const t = tpComm(s, c);

  it("counts a mixer and a dense FFN block per Llama layer; forward exposes every gather and scatter", () => {
    expect(c.bottleneck.tpBlocks).toEqual({ mixer: 32, ffn: 32, sharedExperts: 0, gatheredExperts: 0 });
    expect(t.exposedForwardS).toBeCloseTo(64 * (ag + rs), 12);
  });

  it("backward: the output-gradient gather exposed, the re-gather and the reduce-scatter only past their GEMMs", () => {
    const g = c.bottleneck.columnGemms;
    expect(g.mixerDgradS).toBeGreaterThan(0);
    expect(g.ffnWgradS).toBeGreaterThan(g.mixerWgradS);
    const block = (d: number, w: number) => 32 * (ag + Math.max(0, ag - d / 32) + Math.max(0, rs - w / 32));
    expect(t.exposedBackwardS).toBeCloseTo(
      block(g.mixerDgradS, g.mixerWgradS) + block(g.ffnDgradS, g.ffnWgradS),
      12,
    );
    expect(t.exposedBackwardS).toBeGreaterThanOrEqual(64 * ag);
    expect(t.exposedBackwardS).toBeLessThan(64 * (ag + rs));
    expect(t.totalS).toBeCloseTo(64 * (ag + rs) + 64 * (2 * ag + rs), 12);
  });

  it("without sequence parallelism: one all-reduce per block forward, backward only past the weight gradient", () => {
    const noSp = { ...s, layout: { ...s.layout, sequenceParallel: false } };
    const cn = pipelineCompute(noSp);
    const ar = groupCollectiveS(s.fabricTarget, "all-reduce", bytes, 8, 1);
    const tn = tpComm(noSp, cn);
    expect(tn.exposedForwardS).toBeCloseTo(64 * ar, 12);
    expect(tn.exposedBackwardS).toBeLessThan(tn.exposedForwardS);
  });

  it("with overlap.tp the stage's compute hides the collectives", () => {
    const over = { ...s, overlap: { ...s.overlap, tp: true } };
    const to = tpComm(over, pipelineCompute(over));
    expect(to.exposedForwardS + to.exposedBackwardS).toBe(0);
  });

  it("Nemotron-H: one block per mixer layer and per MoE layer's shared experts, none for the routed experts", () => {
    const n = scenario("nemotron-3-super-gb200-64-fp8mx");
    const st = pipelineCompute(n).bottleneck;
    expect(st.tpBlocks).toEqual({ mixer: 48, ffn: 0, sharedExperts: 40, gatheredExperts: 0 });
    expect(st.layers).toBe(88);
  });

  it("no TP, no TP traffic", () => {
    const one = scenario("qwen3-30b-b200-8-fp8mx");
    expect(tpComm(one, pipelineCompute(one))).toEqual({ totalS: 0, exposedForwardS: 0, exposedBackwardS: 0 });
  });
});
