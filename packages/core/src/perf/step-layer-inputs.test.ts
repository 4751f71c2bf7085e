import { describe, expect, it } from "vitest";
import { layerGroups } from "../model/index.ts";
import { clockedContext } from "./step-clock.ts";
import type { StepBatch } from "./step-context.ts";
import { stepLayerInputs } from "./step-layer-inputs.ts";
import { stepContext } from "./step-model.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

describe("a step's clock-independent layer inputs", () => {
  const scenario = referenceScenario("cloudmatrix384-deepseek-r1-decode");
  const ctx = stepContext(scenario, must(scenario.deployment.decode));
  const batch: StepBatch = { phase: "decode", sequences: 1536, kvTokens: 1536 * 4096 };

  it("builds each layer's operators once per rank kind and shares them", () => {
    const inputs = stepLayerInputs(ctx, batch);
    const group = must(layerGroups(scenario.model).find((g) => g.kind === "moe"));
    const rank = must(inputs.work.rankKinds[0]);
    const first = inputs.layer(group.index, group.kind, rank);
    expect(first.ops.length).toBeGreaterThan(0);
    expect(inputs.layer(group.index, group.kind, rank)).toBe(first);
    // Built again from scratch, the same operators and fabric items.
    const fresh = stepLayerInputs(ctx, batch).layer(group.index, group.kind, rank);
    expect(fresh).not.toBe(first);
    expect(fresh).toEqual(first);
  });

  it("fit a power-limited clock of the same context, not another plan", () => {
    const inputs = stepLayerInputs(ctx, batch);
    const clocked = clockedContext(ctx, 0.8);
    expect(clocked.device).not.toBe(ctx.device);
    expect(inputs.fits(clocked)).toBe(true);
    const { overlap: _, ...single } = ctx.plan;
    expect(inputs.fits({ ...ctx, plan: single })).toBe(false);
  });
});
