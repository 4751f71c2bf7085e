import { describe, expect, it } from "vitest";
import { activationBytesPerToken, trainingActivationOptions } from "./activation-memory.ts";
import { allGatherCopyOperators, tpSplitExpertOptions } from "./allgather-dispatcher.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { pipelineCompute, rankOperatorOptions } from "./stage-compute.ts";
import { stageParams } from "./stage-params.ts";
import { tpComm } from "./tp-comm.ts";
import { parseTrainingScenario, type TrainingScenario } from "./training-scenario.ts";

const ID = "mixtral-8x7b-a2-64-mindspeed"; // TP 8 + SP, PP 4, CP 2, EP 1, tokenDispatcher allgather
const text = trainingScenarioText(ID);
const parse = (t: string): TrainingScenario => parseTrainingScenario(t, "x.yaml");
const s = parse(text);
const allToAll = parse(text.replace("tokenDispatcher: allgather", "tokenDispatcher: alltoall"));

describe("the all-gather token dispatcher (Megatron-Core core_v0.6.0 MoEAllGatherTokenDispatcher)", () => {
  it("splits every expert over tp, each running its share of the TP group's gathered tokens", () => {
    const o = rankOperatorOptions(s);
    const tokens = (1 * 32768) / 2; // micro-batch × sequence ÷ cp, before the SP split
    expect(o.expertTp).toBe(8);
    expect(o.localExperts).toBe(8);
    expect(o.tokensPerLocalExpert).toBe((tokens * 2) / 8);
    // The all-to-all layout runs whole experts on the rank's SP shard (tp times fewer tokens, each
    // expert tp times wider): the same routed FLOPs.
    const a = rankOperatorOptions(allToAll);
    expect(a.expertTp).toBeUndefined();
    expect(a.tokensPerLocalExpert).toBe(((tokens / 8) * 2) / 8);
    expect((a.tokensPerLocalExpert as number) * 8).toBe(o.tokensPerLocalExpert);
  });

  it("holds 1/tp of each expert: the stage's expert parameters per rank fall by tp", () => {
    const [g, a] = [stageParams(s)[0], stageParams(allToAll)[0]];
    expect(g?.experts).toBe(a?.experts);
    expect(g?.expertsPerRank).toBeCloseTo((a?.expertsPerRank ?? 0) / 8, 3);
    expect(g?.densePerRank).toBe(a?.densePerRank);
  });

  it("adds one TP block per MoE layer gathered outside its linears: its gather and scatter exposed both ways", () => {
    const [cg, ca] = [pipelineCompute(s), pipelineCompute(allToAll)];
    expect(cg.bottleneck.tpBlocks).toEqual({ mixer: 8, ffn: 0, sharedExperts: 0, gatheredExperts: 8 });
    expect(ca.bottleneck.tpBlocks.gatheredExperts).toBe(0);
    const bytes = cg.tokensPerRank * s.model.hiddenSize * 2;
    const ag = groupCollectiveS(s.fabricTarget, "all-gather", bytes, 8, 1);
    const rs = groupCollectiveS(s.fabricTarget, "reduce-scatter", bytes, 8, 1);
    const [tg, ta] = [tpComm(s, cg), tpComm(allToAll, ca)];
    expect(tg.exposedForwardS - ta.exposedForwardS).toBeCloseTo(8 * (ag + rs), 12);
    expect(tg.totalS - ta.totalS).toBeCloseTo(16 * (ag + rs), 12);
    // The mixer blocks' backward exposure depends on their GEMMs, which the dispatcher does not change.
    expect(tg.exposedBackwardS - ta.exposedBackwardS).toBeCloseTo(8 * (ag + rs), 9);
  });

  it("keeps the routed copies of the whole group's tokens on every TP rank: activation memory", () => {
    const [og, oa] = [trainingActivationOptions(s), trainingActivationOptions(allToAll)];
    expect(og.gatheredExperts).toBe(true);
    expect(oa.gatheredExperts).toBeUndefined();
    // Per routed copy the permuted input and the expert output (BF16, hidden width) are kept for
    // every gathered token, not for the 1/tp shard; the expert intermediates are split over tp either way.
    const perCopy = 2 * s.model.hiddenSize * 2;
    const grown = activationBytesPerToken(s.model, "moe", og) - activationBytesPerToken(s.model, "moe", oa);
    expect(grown).toBeCloseTo(2 * perCopy * (1 - 1 / 8), 6);
    expect(activationBytesPerToken(s.model, "dense", og)).toBe(activationBytesPerToken(s.model, "dense", oa));
  });

  it("permutes the gathered rows: five passes each way over tokens × top-k rows of the hidden size", () => {
    const ops = allGatherCopyOperators(s.model, 16384, "forward", 2);
    const rows = 16384 * 2 * 4096 * 2;
    expect(ops.map((o) => o.name)).toEqual([
      "moe.allgather.gather_local",
      "moe.allgather.gather_sorted",
      "moe.allgather.zeros",
      "moe.allgather.scatter_unsorted",
      "moe.allgather.probs_multiply",
    ]);
    expect(ops.reduce((n, o) => n + o.bytesRead.activations, 0)).toBe(4 * rows);
    expect(ops.reduce((n, o) => n + o.bytesWritten.activations, 0)).toBe(5 * rows);
    expect(allGatherCopyOperators(s.model, 16384, "backward", 2)[0]?.name).toBe(
      "moe.allgather.gather_local.backward",
    );
    expect(() =>
      tpSplitExpertOptions(parse(trainingScenarioText("llama31-8b-a2-8-mindspeed")).model, 8, 1),
    ).toThrow(/no MoE layers/);
  });

  it("refuses the layouts it does not model, at the field to change", () => {
    const refuse = (from: string, to: string, re: RegExp) =>
      expect(() => parse(text.replace(from, to))).toThrow(re);
    refuse("  ep: 1\n", "  ep: 2\n", /modelled at ep 1/);
    refuse("  sequenceParallel: true\n", "  sequenceParallel: false\n", /with sequence parallelism at tp 8/);
    refuse("  ep: 1\n", "  ep: 1\n  etp: 1\n", /etp: 1/);
    let location: { fieldPath?: ReadonlyArray<string | number>; line?: number } | undefined;
    try {
      parse(text.replace("  ep: 1\n", "  ep: 2\n"));
    } catch (error) {
      location = (error as { location?: typeof location }).location;
    }
    expect(location?.fieldPath).toEqual(["parallelism", "ep"]);
    expect(location?.line).toBeGreaterThan(0);
  });
});
