import { describe, expect, it } from "vitest";
import { layerOperators, type Operator } from "../model/index.ts";
import { layerTimingOf } from "./layer-memo.ts";
import { sharedDevice, stepContext } from "./step-context.ts";
import { composeLayer, operatorItems } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const scenario = referenceScenario("cloudmatrix384-deepseek-r1-decode");
const ctx = stepContext(scenario, must(scenario.deployment.decode));
const workload = { phase: "decode" as const, sequences: 24, kvTokens: 24 * 4096, tokensPerSequence: 2 };
const ops = layerOperators(scenario.model, 10, workload, {
  weightDtype: "int8",
  computeDtype: "int8",
  localExperts: 1,
  tokensPerLocalExpert: 30,
  sharedExpertTokens: 0,
});
const fabric: StepItem[] = [
  {
    name: "moe.dispatch",
    group: "dispatch",
    timeS: 40e-6,
    bound: "fabric",
    flops: 0,
    bytes: 1e6,
    overheadS: 0,
    computeS: 40e-6,
    memoryS: 0,
    defaulted: [],
  },
];
const direct = (o: readonly Operator[], f: readonly StepItem[]) =>
  composeLayer(
    operatorItems(o, f, (share) => sharedDevice(ctx, share)),
    ctx.plan.overlap,
  );

describe("layerTimingOf", () => {
  it("is composeLayer of the operators and items, and the same timing when asked again", () => {
    const first = layerTimingOf(ctx, ops, fabric);
    expect(first).toEqual(direct(ops, fabric));
    // keysFirst: the second request stores the timing (computed again), later ones share it
    const second = layerTimingOf(ctx, [...ops], [...fabric]);
    expect(second).toEqual(first);
    expect(layerTimingOf(ctx, [...ops], [...fabric])).toBe(second);
  });

  it("tells apart layers that differ in one operator field or one item field", () => {
    const base = layerTimingOf(ctx, ops, fabric);
    const heavier = ops.map((op) =>
      op.name === "moe.experts.gate_up_proj"
        ? { ...op, bytesRead: { ...op.bytesRead, weights: op.bytesRead.weights * 2 } }
        : op,
    );
    const slower = [{ ...(fabric[0] as StepItem), timeS: 80e-6, computeS: 80e-6 }];
    for (const [o, f] of [
      [heavier, fabric],
      [ops, slower],
      [ops.slice(1), fabric],
    ] as const) {
      const timing = layerTimingOf(ctx, o, f);
      expect(timing).not.toBe(base);
      expect(timing).toEqual(direct(o, f));
    }
  });
});
