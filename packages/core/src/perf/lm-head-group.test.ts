import { describe, expect, it } from "vitest";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const V31 = "vllm-ascend-atlas-a3-deepseek-v3.1-decode";
const HEAD_BYTES = 129280 * 7168 * 2; // DeepSeek-V3's BF16 LM head (+ its final norm, 14 kB)
const decodeOf = (...sets: string[]) => must(estimate(referenceScenario(V31, ...sets)).decode);

describe("the LM head's own TP group (deployment lmHead.tp, vLLM-Ascend lmhead_tensor_parallel_size)", () => {
  it("stores 1/16 of the head per die and shortens the main and MTP head passes", () => {
    const split = decodeOf();
    const whole = decodeOf("deployment.decode.lmHead=null");
    const lm = (d: typeof split) => d.memory.perRank.weightsByComponent["lm-head"] ?? 0;
    expect(lm(whole)).toBeCloseTo(HEAD_BYTES, -5);
    expect(lm(split)).toBeCloseTo(HEAD_BYTES / 16, -5);
    // The GEMM keeps its FLOPs (16 × the rows, 1/16 of the vocabulary) and reads 1/16 of the weights.
    expect(split.step.headS).toBeLessThan(0.6 * whole.step.headS);
    expect(split.step.mtpS).toBeLessThan(whole.step.mtpS);
  });

  it("pays an all-gather of the hidden states and an all-to-all of the logits, once per head pass", () => {
    const split = decodeOf();
    const whole = decodeOf("deployment.decode.lmHead=null");
    // The head's time falls by more than its collectives cost, and both collectives are counted.
    const fabricS = split.step.timeByBound.fabric;
    expect(fabricS).toBeGreaterThan(whole.step.timeByBound.fabric);
    // lmHead.tp equal to attention TP is the default: no collectives, same step.
    expect(decodeOf("deployment.decode.lmHead.tp=1").step.stepS).toBeCloseTo(whole.step.stepS, 12);
  });

  it("all-gathers every row's logits over the whole vocabulary with logits: all-gather (SGLang without --enable-dp-lm-head)", () => {
    const toAll = decodeOf();
    const gather = decodeOf("deployment.decode.lmHead.logits=all-gather");
    // Same head GEMM and weights; the logits collective moves ranks × the all-to-all's bytes.
    expect(gather.memory.perRank.weightsByComponent["lm-head"]).toBe(
      toAll.memory.perRank.weightsByComponent["lm-head"],
    );
    expect(gather.step.timeByBound.fabric).toBeGreaterThan(toAll.step.timeByBound.fabric);
    expect(gather.step.headS).toBeGreaterThan(toAll.step.headS);
  });

  it("keeps the engine's top-p sampler (on the rank's own rows) beside the group's collectives", () => {
    const vllm = [
      "engine.name=vllm",
      "engine.version=0.11.1",
      "engine.sampling=top-p",
      "engine.hcclExpansion=null",
    ];
    const split = decodeOf(...vllm);
    const whole = decodeOf(...vllm, "deployment.decode.lmHead=null");
    // Both sample the same rows with the sorting sampler (the group's gathered rows are not sampled).
    expect(whole.step.samplingS).toBeGreaterThan(100e-6);
    expect(split.step.samplingS).toBeCloseTo(whole.step.samplingS, 9);
  });

  it("rejects a group that does not divide the ranks or is not a multiple of attention TP", () => {
    const notDividing = supernodeErrorOf(() =>
      estimate(referenceScenario(V31, "deployment.decode.lmHead.tp=12")),
    );
    expect(notDividing.message).toMatch(/LM head TP 12 does not divide the 32 ranks per instance/);
    const notMultiple = supernodeErrorOf(() =>
      estimate(referenceScenario(V31, "deployment.decode.attention.tp=4", "deployment.decode.lmHead.tp=2")),
    );
    expect(notMultiple.message).toMatch(/attention TP 4 does not divide the 2 LM head TP/);
  });
});
