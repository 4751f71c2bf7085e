import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { builtinModel } from "../model/zoo.ts";
import { atClockFraction, computeDevice, efficiencyProfileForChip, operatorTime } from "../perf/index.ts";
import { GLU_CLAMP_FORWARD, gluClampOperators } from "./megatron-glu-clamp.ts";
import { dispatcherCopyOperators, withTokenCopies } from "./moe-token-copies.ts";
import { ZERO_TIMES } from "./operator-times.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const gptOss = builtinModel("gpt-oss-120b");
const bytes = (op: Operator) => op.bytesRead.activations + op.bytesWritten.activations;

describe("gluClampOperators (Megatron-Core's eager clamp of a GLU expert's fc1 output)", () => {
  it("reads gpt-oss's swiglu_limit from its config", () => {
    expect(gptOss.moe?.expertActivationClamp).toBe(7);
    expect(builtinModel("qwen3-30b-a3b").moe?.expertActivationClamp).toBeUndefined();
  });

  it("forward: two clamps and a concatenation, 16 B per element of a half; backward 30 B in 7 kernels", () => {
    const e = 65536 * 2880;
    const [fwd] = gluClampOperators(gptOss, 65536, 2880, "forward");
    const [bwd] = gluClampOperators(gptOss, 65536, 2880, "backward");
    expect(fwd?.name).toBe(GLU_CLAMP_FORWARD);
    expect(fwd?.kernels).toBe(3);
    expect(fwd && bytes(fwd)).toBe(16 * e);
    expect(bwd?.kernels).toBe(7);
    expect(bwd && bytes(bwd)).toBe(30 * e);
  });

  it("a model without a clamp gets no passes", () => {
    expect(gluClampOperators(builtinModel("qwen3-30b-a3b"), 65536, 768, "forward")).toEqual([]);
  });
});

describe("the clamp in a Megatron-Core scenario's MoE layer", () => {
  const scenario = (recompute: string) =>
    parseTrainingScenario(trainingScenarioText("gpt-oss-120b-gb300-64-bf16"), "x.yaml", undefined, {
      overrides: [{ path: ["recompute"], value: recompute }],
    });

  it("runs over the rank's routed rows (MBS 2 × 8,192 tokens × top-4) at the expert width", () => {
    const s = scenario("none");
    const clamp = dispatcherCopyOperators(s, 16384, 2, "forward").find((o) => o.name === GLU_CLAMP_FORWARD);
    expect(clamp && bytes(clamp)).toBe(16 * 16384 * 4 * 2880);
  });

  it("selective recompute (Megatron's moe_act) re-runs the clamp's forward and nothing else of the copies", () => {
    const s = scenario("selective");
    const chip = s.system.node.accelerator.chip;
    const { device, profile } = atClockFraction(computeDevice(chip), efficiencyProfileForChip(chip), 1);
    const t = withTokenCopies(ZERO_TIMES, s, 16384, 2, device, profile);
    const [fwd] = gluClampOperators(gptOss, 16384 * 4, 2880, "forward");
    expect(fwd).toBeDefined();
    expect(t.recomputeS).toBeCloseTo(operatorTime(fwd as Operator, device, profile).timeS, 12);
    expect(withTokenCopies(ZERO_TIMES, scenario("none"), 16384, 2, device, profile).recomputeS).toBe(0);
  });
});
