import { describe, expect, it } from "vitest";
import { modelHeadOperators } from "../model/index.ts";
import { megatronLossOps, unfusedCrossEntropyOperators } from "./megatron-cross-entropy.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { rankOperatorOptions } from "./stage-compute.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const scenario = (name: string, overrides: { path: string[]; value: unknown }[] = []) =>
  parseTrainingScenario(trainingScenarioText(name), `${name}.yaml`, undefined, { overrides });

describe("Megatron-Core's unfused cross-entropy", () => {
  it("moves 38 B per logit forward in 6 kernels and 14 B backward in 2 (FP32 logits)", () => {
    const [f] = unfusedCrossEntropyOperators(1000, "forward", 5000);
    const [b] = unfusedCrossEntropyOperators(1000, "backward", 0);
    expect((f?.bytesRead.activations ?? 0) + (f?.bytesWritten.activations ?? 0)).toBe(38_000);
    expect(f?.kernels).toBe(6);
    expect((b?.bytesRead.activations ?? 0) + (b?.bytesWritten.activations ?? 0)).toBe(14_000);
    expect(b?.kernels).toBe(2);
  });

  it("replaces the fused loss over the rank's [tokens, vocabulary / tp] slice only without the fusion", () => {
    const s = scenario("llama31-8b-a2-8-mindspeed");
    expect(s.crossEntropyFusion).toBe(false);
    const tokens = 16384;
    const w = { phase: "train-forward" as const, sequences: 2, tokens, attendedTokenPairs: tokens * 8192 };
    const ops = modelHeadOperators(s.model, w, rankOperatorOptions(s));
    const loss = megatronLossOps(ops, s, tokens).find((o) => o.name === "head.loss_unfused");
    expect(loss?.bytesRead.activations).toBe((24 * tokens * s.model.vocabSize) / 8);
    const fused = { ...s, crossEntropyFusion: true };
    expect(megatronLossOps(ops, fused, tokens).map((o) => o.name)).toContain("head.loss");
    expect(trainEstimate(s).stepS).toBeGreaterThan(trainEstimate(fused).stepS);
  });

  it("is a Megatron-Core option: refused with another framework", () => {
    expect(() => scenario("deepseek-v3-h800-2048", [{ path: ["crossEntropyFusion"], value: false }])).toThrow(
      /crossEntropyFusion is a Megatron-Core option/,
    );
  });
});
