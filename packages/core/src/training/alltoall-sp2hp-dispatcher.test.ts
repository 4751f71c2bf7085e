import { describe, expect, it } from "vitest";
import { trainingActivationOptions } from "./activation-memory.ts";
import { gatheredExpertsTpS } from "./alltoall-sp2hp-dispatcher.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import { dispatcherCopyOperators, moeTokenCopyOperators } from "./moe-token-copies.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute, rankOperatorOptions } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import { tpComm } from "./tp-comm.ts";
import { parseTrainingScenario, type TrainingScenario } from "./training-scenario.ts";

const ID = "mixtral-8x7b-a2-64-mindspeed-100"; // TP 8 + SP, CP 4, EP 1, tokenDispatcher alltoall-sp2hp
const text = trainingScenarioText(ID);
const parse = (t: string): TrainingScenario => parseTrainingScenario(t, "x.yaml");
const s = parse(text);
const allGather = parse(text.replace("tokenDispatcher: alltoall-sp2hp", "tokenDispatcher: allgather"));

describe("the all-to-all dispatcher at tp > 1 (Megatron-Core core_r0.6.0 MoEAlltoAllTokenDispatcher)", () => {
  it("runs the experts as the all-gather dispatcher does: split over tp, the TP group's tokens, 1/tp of the parameters", () => {
    expect(rankOperatorOptions(s)).toEqual(rankOperatorOptions(allGather));
    expect(rankOperatorOptions(s).expertTp).toBe(8);
    expect(stageParams(s)).toEqual(stageParams(allGather));
    expect(trainingActivationOptions(s).gatheredExperts).toBe(true);
  });

  it("gathers and scatters the k routed copies' last dimension and adds the two all-to-alls over TP", () => {
    const c = pipelineCompute(s);
    expect(c.bottleneck.tpBlocks).toEqual({ mixer: 32, ffn: 0, sharedExperts: 0, gatheredExperts: 32 });
    const bytes = c.tokensPerRank * s.model.hiddenSize * 2; // the group's tokens at full width, BF16
    const k = 2;
    const ag = groupCollectiveS(s.fabricTarget, "all-gather", k * bytes, 8, 1);
    const rs = groupCollectiveS(s.fabricTarget, "reduce-scatter", k * bytes, 8, 1);
    const a2a = groupCollectiveS(s.fabricTarget, "all-to-all", bytes / 8, 8, 1);
    expect(a2a).toBeGreaterThan(0);
    expect(gatheredExpertsTpS(s, bytes)).toBeCloseTo(ag + rs + 2 * a2a, 12);
    // The all-gather dispatcher gathers the tokens once, not their k copies, and makes no all-to-all.
    const agOnce = groupCollectiveS(s.fabricTarget, "all-gather", bytes, 8, 1);
    const rsOnce = groupCollectiveS(s.fabricTarget, "reduce-scatter", bytes, 8, 1);
    expect(gatheredExpertsTpS(allGather, bytes)).toBeCloseTo(agOnce + rsOnce, 12);
    // Both directions expose it (overlap.tp false): 32 MoE layers.
    const [t, g] = [tpComm(s, c), tpComm(allGather, pipelineCompute(allGather))];
    const more = 32 * (ag + rs + 2 * a2a - agOnce - rsOnce);
    expect(t.exposedForwardS - g.exposedForwardS).toBeCloseTo(more, 9);
    expect(t.totalS - g.totalS).toBeCloseTo(2 * more, 9);
  });

  it("permutes the group's tokens and their k copies at 1/tp of the width: the all-to-all passes, sliced", () => {
    const sum = (ops: ReturnType<typeof dispatcherCopyOperators>) =>
      ops.reduce((n, o) => n + o.bytesRead.activations + o.bytesWritten.activations, 0);
    const sliced = dispatcherCopyOperators(s, 8192, 8, "forward");
    const full = moeTokenCopyOperators(
      s.model,
      "alltoall",
      { tokens: 8192, routedRows: 16384, localExperts: 8 },
      "forward",
    );
    // A permute [T, H/tp] → [T·k, H/tp], then the sort by local expert and its inverse (8 local experts at ep 1).
    expect(sliced.map((o) => o.name)).toEqual(["moe.permute", "moe.sort_chunks", "moe.unsort_chunks"]);
    expect(sum(sliced)).toBeCloseTo(sum(full) / 8, 6);
    expect(sum(dispatcherCopyOperators(s, 8192, 8, "backward"))).toBeCloseTo(sum(full) / 8, 6);
    expect(() =>
      moeTokenCopyOperators(
        s.model,
        "alltoall-sp2hp",
        { tokens: 1, routedRows: 2, localExperts: 8 },
        "forward",
      ),
    ).toThrow(/counted by withTokenCopies/);
  });

  it("refuses the layouts it does not model, at the field to change", () => {
    const refuse = (from: string, to: string, re: RegExp) =>
      expect(() => parse(text.replace(from, to))).toThrow(re);
    refuse("  ep: 1\n", "  ep: 2\n", /alltoall-sp2hp is modelled at ep 1/);
    refuse("  sequenceParallel: true\n", "  sequenceParallel: false\n", /with sequence parallelism at tp 8/);
    refuse("  ep: 1\n", "  ep: 1\n  etp: 1\n", /etp: 1/);
    refuse("  tp: 8\n", "  tp: 1\n", /at tp 1 it is the plain alltoall/);
  });
});
