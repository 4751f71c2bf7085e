import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { builtinModel, layerOperators } from "../model/index.ts";
import { computeDevice, efficiencyProfile, operatorTime } from "./index.ts";
import { atClockFraction, sustainedClock, sustainedClockData } from "./sustained-clock.ts";

const clockOf = (id: string) => sustainedClock(builtinCatalog().chip(id), efficiencyProfile(id));

describe("sustained clock under the power limit", () => {
  it("B200: the measured 1,580 MHz against the 1,856 MHz its listed peak assumes", () => {
    const b200 = clockOf("b200");
    expect(b200?.peakClockHz).toBeCloseTo(2.25e15 / (148 * 8192), 0);
    expect(b200?.sustainedClockHz).toBeCloseTo(1.58e9, 0);
    // The same source measured the kernel's throughput fall to 1,237 / 1,450 of its unthrottled figure.
    expect(Math.abs((b200?.fraction ?? 0) - 1237 / 1450)).toBeLessThan(0.01);
  });
  it("more power on the same dies buys clock: GB200 sustains more MHz, but less of its higher listed clock", () => {
    const b200 = clockOf("b200");
    const gb200 = clockOf("gb200");
    expect(gb200?.sustainedClockHz).toBeCloseTo(1.58e9 * (1200 / 1000) ** (1 / 3), -3);
    expect(gb200?.sustainedClockHz ?? 0).toBeGreaterThan(b200?.sustainedClockHz ?? Infinity);
    expect(gb200?.fraction ?? 1).toBeLessThan(b200?.fraction ?? 0);
    expect(clockOf("gb300")?.sustainedClockHz ?? 0).toBeGreaterThan(gb200?.sustainedClockHz ?? Infinity);
  });
  it("Hopper parts at 700 W share the measured 1,575 MHz; chips of no listed family are not modelled", () => {
    for (const id of ["h100-sxm", "h800-sxm", "h200-sxm"])
      expect(clockOf(id)?.fraction).toBeCloseTo(1575 / 1830, 2);
    expect(clockOf("a100-sxm")).toBeUndefined();
    expect(clockOf("ascend-910c")).toBeUndefined();
  });
  it("never above the listed peak's clock, and a derived chip follows its parent's family", () => {
    const b200 = builtinCatalog().chip("b200");
    const hot = {
      ...b200,
      id: "b200-hot",
      origin: { ...b200.origin, extends: "b200" },
      tdpW: { value: 5000, sources: [], tag: "assumption" as const },
    };
    expect(sustainedClock(hot, efficiencyProfile("b200"))?.fraction).toBe(1);
  });
  it("every value is sourced or tagged an assumption", () => {
    const d = sustainedClockData();
    expect(d.powerExponent.tag).toBe("assumption");
    for (const f of d.families) expect(f.anchor.sustainedClockMHz.source?.url).toMatch(/^https:\/\//);
  });
  it("scales compute peaks only: bandwidth and SM count stay", () => {
    const device = computeDevice(builtinCatalog().chip("b200"));
    const profile = efficiencyProfile("b200");
    const slow = atClockFraction(device, profile, 0.8);
    expect(slow.device.peakFlopsPerS.fp8?.value).toBeCloseTo(0.8 * (device.peakFlopsPerS.fp8?.value ?? 0), 0);
    expect(slow.device.memoryBandwidthBytesPerS).toBe(device.memoryBandwidthBytesPerS);
    expect(slow.profile.classes.gemm.cores?.value).toBe(148);
    expect(atClockFraction(device, profile, 1).device).toBe(device);
  });
  it("a B200 training layer slows by less than the clock: memory-bound kernels keep their speed", () => {
    const chip = builtinCatalog().chip("b200");
    const device = computeDevice(chip);
    const profile = efficiencyProfile("b200");
    const fraction = clockOf("b200")?.fraction ?? 1;
    const slow = atClockFraction(device, profile, fraction);
    const model = builtinModel("llama-3.1-8b");
    let fast = 0;
    let sustained = 0;
    for (const phase of ["train-forward", "train-backward"] as const) {
      const w = { phase, sequences: 2, tokens: 16384, attendedTokenPairs: (2 * 8192 * 8193) / 2 };
      for (const op of layerOperators(model, 0, w, { weightDtype: "fp8", computeDtype: "fp8" })) {
        fast += operatorTime(op, device, profile).timeS;
        sustained += operatorTime(op, slow.device, slow.profile).timeS;
      }
    }
    expect(sustained / fast).toBeGreaterThan(1.05);
    expect(sustained / fast).toBeLessThan(1 / fraction);
  });
});
