import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { builtinModel, layerKind, layerOperators, type ModelWorkload } from "../model/index.ts";
import { computeDevice, efficiencyProfileForChip } from "../perf/index.ts";
import { launchedBeforeMoeSync } from "./eager-moe-host.ts";
import { type TimingContext, timeOps, timeOpsWithPart, ZERO_TIMES } from "./operator-times.ts";

const chip = builtinCatalog().chip("h100-sxm");
const ctx: TimingContext = {
  device: computeDevice(chip),
  profile: efficiencyProfileForChip(chip),
  quantize: () => undefined,
  ringExchangeTp: 1,
  ringStepS: 0,
  sequenceShard: 1,
};
const arch = builtinModel("qwen3-30b-a3b");
const moeLayer = [...Array(arch.numLayers).keys()].find((i) => layerKind(arch, i) === "moe") ?? -1;
const tokens = 4096;
const workload = (phase: "train-forward" | "train-backward"): ModelWorkload => ({
  phase,
  sequences: 1,
  tokens,
  attendedTokenPairs: (tokens * (tokens + 1)) / 2,
});
const moe = arch.moe;
const build = (w: ModelWorkload) =>
  layerOperators(arch, moeLayer, w, {
    weightDtype: "bf16",
    activationDtype: "bf16",
    computeDtype: "bf16",
    localExperts: moe?.numRoutedExperts ?? 0,
    tokensPerLocalExpert: (tokens * (moe?.topK ?? 0)) / (moe?.numRoutedExperts ?? 1),
  });

describe("timeOpsWithPart", () => {
  it("times the whole layer as timeOps does and its part as timeOps of the part alone, in one pass", () => {
    expect(moeLayer).toBeGreaterThanOrEqual(0);
    for (const recompute of ["none", "selective", "full"] as const) {
      const { whole, part } = timeOpsWithPart(build, workload, ctx, recompute, launchedBeforeMoeSync);
      expect(whole).toEqual(timeOps(build, workload, ctx, recompute));
      expect(part).toEqual(timeOps((w) => build(w).filter(launchedBeforeMoeSync), workload, ctx, recompute));
      // The routed experts run after the sync: the part is the smaller share of each direction.
      expect(part.forwardS).toBeGreaterThan(0);
      expect(part.forwardS).toBeLessThan(whole.forwardS);
      expect(part.backwardDataS).toBeLessThan(whole.backwardDataS);
      expect(part.flops).toBeLessThan(whole.flops);
    }
  });

  it("leaves the part at zero when no operator is in it", () => {
    const { part } = timeOpsWithPart(build, workload, ctx, "full", () => false);
    expect(part).toEqual(ZERO_TIMES);
  });
});
