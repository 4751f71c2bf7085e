import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { eagerHostWait, eagerMoeHostData, moeLayerHostS, withEagerHostWait } from "./eager-moe-host.ts";
import { ZERO_TIMES } from "./operator-times.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const scenario = (name: string, graphs?: unknown, framework?: string) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, {
    overrides: [
      ...(graphs === undefined ? [] : [{ path: ["cudaGraphScope"], value: graphs }]),
      // Another framework takes none of Megatron-Core's options.
      ...(framework === undefined
        ? []
        : [
            { path: ["framework"], value: framework },
            { path: ["expertGemm"], value: "grouped" },
          ]),
    ],
  });

describe("host time of eager MoE layers in training", () => {
  it("reads sourced per-kernel and per-expert host times and estimated kernel counts", () => {
    const d = eagerMoeHostData();
    expect(d.perKernelS.default?.tag).toBe("measured");
    expect(d.perKernelS.grace?.value).toBeGreaterThan(
      d.perKernelS.default?.value ?? Number.POSITIVE_INFINITY,
    );
    expect(d.perExpertS.forward.source?.url).toContain("TransformerEngine/issues/2897");
    expect(d.kernels.tag).toBe("estimate");
  });

  it("charges a graphed module one launch and a full-iteration graph nothing", () => {
    const eager = moeLayerHostS(scenario("qwen3-30b-b200-8-fp8mx", []), 16);
    const partial = moeLayerHostS(scenario("qwen3-30b-b200-8-fp8mx"), 16);
    const attn = moeLayerHostS(
      scenario("qwen3-30b-b200-8-fp8mx", ["attn", "moe_router", "moe_preprocess"]),
      16,
    );
    expect(eager.forwardS).toBeGreaterThan(partial.forwardS);
    expect(partial.forwardS).toBeGreaterThan(attn.forwardS);
    expect(moeLayerHostS(scenario("qwen3-30b-b200-8-fp8mx", "full-iteration"), 16)).toEqual({
      forwardS: 0,
      backwardS: 0,
      forwardAfterSyncS: 0,
      backwardAfterSyncS: 0,
      combineCallS: 0,
    });
  });

  it("prices an eager TE-spec kernel at the calibrated factor, a graph launch and an expert not", () => {
    const d = eagerMoeHostData();
    const factor = d.teSpecHostFactor.value;
    expect(d.teSpecHostFactor.calibratedOn).toEqual(["nemo-q30-b200-8-fp8mx"]);
    // Inside the sources' TE / plain-PyTorch host-time ratios per Linear forward (1.55–2.73).
    expect(factor).toBeGreaterThanOrEqual(1.5);
    expect(factor).toBeLessThanOrEqual(2.8);
    const kernelS = d.perKernelS.default?.value ?? 0;
    const k = d.kernels;
    // BF16 eager: every module's kernels at the TE-spec host time, plus the per-expert TE time.
    const bf16 = parseTrainingScenario(trainingScenarioText("qwen3-30b-h800-16-pp2-ep8"), "pai.yaml");
    const eagerForward =
      k.attentionForward.bf16 + k.routerForward + k.preprocessForward + k.afterSyncForward.bf16;
    const perExpert = d.perExpertS.forward.value / ((d.perKernelS.grace?.value ?? kernelS) / kernelS);
    expect(moeLayerHostS(bf16, 16).forwardS).toBeCloseTo(
      eagerForward * kernelS * factor + 16 * perExpert,
      12,
    );
    // A captured module is one graph launch, not multiplied; a whole-layer graph likewise.
    const graphed = moeLayerHostS(
      scenario("qwen3-30b-b200-8-fp8mx", ["attn", "moe_router", "moe_preprocess"]),
      16,
    );
    expect(graphed.forwardS).toBeCloseTo(
      3 * k.graphLaunch * kernelS + k.afterSyncForward.fp8 * kernelS * factor + 16 * perExpert,
      12,
    );
    const wholeLayer = parseTrainingScenario(
      trainingScenarioText("qwen3-30b-b200-8-fp8-tokendrop"),
      "q30-2509.yaml",
    );
    expect(wholeLayer.cudaGraphScope).toBe("transformer-layer");
    expect(moeLayerHostS(wholeLayer, 16).forwardS).toBe(k.graphLaunch * kernelS);
  });

  const host = {
    forwardS: 2e-3,
    backwardS: 2e-3,
    forwardAfterSyncS: 1e-3,
    backwardAfterSyncS: 1e-3,
    combineCallS: 0.2e-3,
  };
  const gpu = (beforeSyncS: number, afterSyncS: number, combineS = 0) => ({
    beforeSyncS,
    afterSyncS,
    combineS,
  });

  it("exposes only the host work the GPU's own work does not cover", () => {
    expect(eagerHostWait(host, gpu(0.5e-3, 0.5e-3), gpu(1e-3, 2e-3), false, "dispatch")).toEqual({
      forwardS: 1e-3,
      backwardS: 0,
    });
    // Forward and backward of two micro-batches interleaved (1F1B EP overlap): one shared wait.
    expect(
      eagerHostWait(host, gpu(0.5e-3, 0.5e-3), gpu(1e-3, 1.5e-3), true, "dispatch").backwardS,
    ).toBeCloseTo(0.5e-3, 12);
  });

  it("cannot hide a host-bound post-sync part behind GPU work launched after it", () => {
    // Host 2 ms (1 ms after the sync), GPU 1.8 ms of which only 0.3 ms after the sync: the whole
    // layer would wait 0.2 ms, but the post-sync segment alone waits 0.7 ms.
    const w = eagerHostWait(host, gpu(1.5e-3, 0.3e-3), gpu(2e-3, 2e-3), false, "dispatch");
    expect(w.forwardS).toBeCloseTo(0.7e-3, 12);
  });

  it("paces each segment between HybridEP's every-call syncs, forward and backward", () => {
    // Backward: the layer as a whole covers its host work (GPU 2.5 ms > 2 ms), but the segment after
    // the combine's sync (host 1 + 0.2 ms, GPU 0.5 + 0.3 ms) waits 0.4 ms; after the dispatch's
    // sync (host 0.8 ms, GPU 1.7 ms) none.
    const fwd = gpu(1e-3, 1e-3, 0.3e-3);
    const bwd = gpu(0.5e-3, 2e-3, 0.3e-3);
    expect(eagerHostWait(host, fwd, bwd, false, "dispatch").backwardS).toBe(0);
    expect(eagerHostWait(host, fwd, bwd, false, "every-call").backwardS).toBeCloseTo(0.4e-3, 12);
    // A GPU-bound layer waits in no segment.
    expect(
      eagerHostWait(host, gpu(3e-3, 3e-3, 0.3e-3), gpu(3e-3, 3e-3, 0.3e-3), false, "every-call"),
    ).toEqual({ forwardS: 0, backwardS: 0 });
  });

  it("marks the 25.11 HybridEP scenarios every-call and refuses the field without HybridEP", () => {
    expect(scenario("qwen3-30b-gb200-8-fp8mx").hybridepSyncs).toBe("every-call");
    expect(scenario("qwen3-30b-gb300-8-fp8mx-2602").hybridepSyncs).toBe("dispatch");
    const everyCall = trainEstimate(scenario("qwen3-30b-gb200-8-fp8mx"));
    const oneSync = trainEstimate(
      parseTrainingScenario(trainingScenarioText("qwen3-30b-gb200-8-fp8mx"), "q30.yaml", undefined, {
        overrides: [{ path: ["hybridepSyncs"], value: "dispatch" }],
      }),
    );
    expect(everyCall.breakdown.hostWaitS).toBeGreaterThan(oneSync.breakdown.hostWaitS);
    const err = supernodeErrorOf(() =>
      parseTrainingScenario(trainingScenarioText("qwen3-30b-b200-8-fp8mx"), "b200.yaml", undefined, {
        overrides: [{ path: ["hybridepSyncs"], value: "every-call" }],
      }),
    );
    expect(err.message).toMatch(
      /hybridepSyncs: every-call describes HybridEP; set tokenDispatcher: hybridep/,
    );
    expect(err.location.fieldPath).toEqual(["hybridepSyncs"]);
    expect(err.location.file).toBe("b200.yaml");
  });

  it("makes the GPU wait on small experts at one 4K micro-batch, not on DeepSeek-V3 or dense layers", () => {
    const small = trainEstimate(scenario("qwen3-30b-b200-8-fp8mx"));
    expect(small.breakdown.hostWaitS).toBeGreaterThan(0);
    expect(trainEstimate(scenario("deepseek-v3-gb200-256-fp8mx")).breakdown.hostWaitS).toBe(0);
    expect(trainEstimate(scenario("llama3-8b-b200-8-fp8")).breakdown.hostWaitS).toBe(0);
    const graphed = trainEstimate(scenario("qwen3-30b-b200-8-fp8mx", "full-iteration"));
    expect(graphed.breakdown.hostWaitS).toBe(0);
  });

  it("is Megatron-Core's: another framework's scenario gets no host wait", () => {
    const other = trainEstimate(scenario("qwen3-30b-b200-8-fp8mx", [], "hai-llm"));
    expect(other.breakdown.hostWaitS).toBe(0);
    expect(scenario("deepseek-v3-h800-2048").framework).toBe("hai-llm");
    // Megatron-Core's options are refused for another framework, naming the field.
    expect(() => scenario("deepseek-v3-h800-2048", ["attn"])).toThrow(
      /cudaGraphScope is a Megatron-Core option/,
    );
    expect(() => scenario("deepseek-v3-h800-2048", "full-iteration")).toThrow(
      /cudaGraphScope is a Megatron-Core option; with framework hai-llm leave it out/,
    );
  });
});

describe("token drop padded to capacity (moeCapacity)", () => {
  const base = "qwen3-30b-b200-8-fp8mx";
  const capped = (moeCapacity: unknown, dispatcher?: string) =>
    parseTrainingScenario(trainingScenarioText(base), `${base}.yaml`, undefined, {
      overrides: [
        { path: ["moeCapacity"], value: moeCapacity },
        ...(dispatcher === undefined ? [] : [{ path: ["tokenDispatcher"], value: dispatcher }]),
      ],
    });

  it("lifts the per-layer sync: forward and backward share one wait", () => {
    const dropless = scenario(base);
    const padded = capped({ factor: 1 });
    const host = moeLayerHostS(dropless, 16);
    // A layer whose forward is host-bound and whose backward is not: fenced, the forward waits;
    // unfenced, the backward's slack absorbs it.
    const t = { ...ZERO_TIMES, forwardS: host.forwardS / 2, backwardDataS: host.backwardS * 2 };
    const ep = { dispatchS: 0, combineS: 0, probsS: 0 };
    expect(withEagerHostWait(t, dropless, 16, ep, ZERO_TIMES).hostWaitS).toBeCloseTo(host.forwardS / 2, 12);
    expect(withEagerHostWait(t, padded, 16, ep, ZERO_TIMES).hostWaitS).toBe(0);
    // Without padding the dispatcher still syncs (before_permutation_1).
    expect(withEagerHostWait(t, capped({ factor: 1, pad: false }), 16, ep, ZERO_TIMES).hostWaitS).toBeCloseTo(
      host.forwardS / 2,
      12,
    );
    // The B200 row is host-bound both ways: the same wait with or without the sync.
    expect(trainEstimate(padded).breakdown.hostWaitS).toBeCloseTo(
      trainEstimate(dropless).breakdown.hostWaitS,
      9,
    );
    expect(trainEstimate(padded).breakdown.hostWaitS).toBeGreaterThan(0);
  });

  it("refuses a factor other than 1 and a dispatcher Megatron does not drop with", () => {
    expect(supernodeErrorOf(() => capped({ factor: 1.25 })).message).toContain("capacity factor 1.0");
    const dispatcher = supernodeErrorOf(() => capped({ factor: 1 }, "hybridep"));
    expect(dispatcher.message).toContain("alltoall");
    expect(dispatcher.message).toContain("not hybridep");
    // The refusal names the field to change: the dispatcher, not the factor.
    expect(dispatcher.location.fieldPath).toEqual(["tokenDispatcher"]);
    expect(supernodeErrorOf(() => capped({ factor: 1.25 })).location.fieldPath).toEqual([
      "moeCapacity",
      "factor",
    ]);
  });
});
