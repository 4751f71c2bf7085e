import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { fixture910c, fixtureB200, fixtureH800 } from "./test-support/fixture-chips.ts";

/** An absorbed-MLA decode core: 16 query heads (a TP8 rank) of `batch` sequences over `keys` BF16 keys. */
function mlaCore(batch: number, keys: number): Operator {
  return {
    name: "attn.core",
    class: "attention-decode",
    dtype: "bf16",
    flops: 2 * batch * 16 * keys * (576 + 512),
    bytesRead: { weights: 0, activations: batch * 16 * 576 * 2, kvCache: batch * keys * 576 * 2 },
    bytesWritten: { activations: batch * 16 * 512 * 2, kvCache: 0 },
    attention: {
      queries: batch,
      heads: 16,
      qkHeadDim: 576,
      vHeadDim: 512,
      meanKeysPerQuery: keys,
      causal: false,
      queryTokensPerSequence: 1,
    },
    kernels: 1,
  };
}

describe("the decode-attention kernel's minimum duration (minKernelUs)", () => {
  const cases = [
    { chip: "b200", device: computeDevice(fixtureB200), floorUs: 5.68, launchUs: 2 },
    { chip: "h800-sxm", device: computeDevice(fixtureH800), floorUs: 7.13, launchUs: 3.07 },
  ] as const;

  for (const { chip, device, floorUs, launchUs } of cases) {
    it(`floors a one-sequence core at a few keys on ${chip} (launch beside it, latency-bound)`, () => {
      const profile = efficiencyProfile(chip);
      expect(profile.classes["attention-decode"].minKernelS?.value).toBeCloseTo(floorUs * 1e-6, 12);
      const t = operatorTime(mlaCore(1, 256), device, profile);
      expect(t.timeS * 1e6).toBeCloseTo(floorUs + launchUs, 6);
      expect(t.bound).toBe("overhead");
    });

    it(`leaves a large-batch core, whose roofline is longer, unchanged on ${chip}`, () => {
      const profile = efficiencyProfile(chip);
      const big = operatorTime(mlaCore(256, 8192), device, profile);
      expect(big.timeS * 1e6).toBeGreaterThan(10 * floorUs);
      const { minKernelS: _, ...withoutFloor } = profile.classes["attention-decode"];
      const bare = { ...profile, classes: { ...profile.classes, "attention-decode": withoutFloor } };
      expect(operatorTime(mlaCore(256, 8192), device, bare).timeS).toBe(big.timeS);
      expect(big.bound).not.toBe("overhead");
    });
  }

  it("is absent where no table gives one (Ascend 910C), and never applies to other classes", () => {
    const ascend = efficiencyProfile("ascend-910c");
    expect(ascend.classes["attention-decode"].minKernelS).toBeUndefined();
    const t = operatorTime(mlaCore(1, 256), computeDevice(fixture910c), ascend);
    expect(t.timeS * 1e6).toBeLessThan(5.68);
    expect(efficiencyProfile("b200").classes.gemm.minKernelS).toBeUndefined();
  });
});
