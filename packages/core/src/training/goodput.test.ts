import { describe, expect, it } from "vitest";
import { blastRadius } from "./blast-radius.ts";
import { goodput, reliabilityData } from "./goodput.ts";

describe("goodput", () => {
  const base = {
    failuresPerChipHour: 1.973e-5,
    checkpointBytes: 5e12,
    checkpointWriteBytesPerS: 2e12,
    restartS: 600,
  };
  it("Young/Daly interval: √(2δM) − δ", () => {
    const g = goodput({ ...base, chips: 16384 });
    const m = 3600 / (1.973e-5 * 16384);
    expect(g.mtbfS).toBeCloseTo(m, 6);
    expect(g.checkpointWriteS).toBeCloseTo(2.5, 12);
    expect(g.checkpointIntervalS).toBeCloseTo(Math.sqrt(2 * 2.5 * m) - 2.5, 6);
    expect(g.goodput).toBeGreaterThan(0.9);
    expect(g.goodput).toBeLessThan(1);
  });
  it("falls with the job size and never goes below zero", () => {
    let last = 1;
    for (let n = 8; n <= 1 << 20; n *= 4) {
      const g = goodput({ ...base, chips: n }).goodput;
      expect(g).toBeLessThanOrEqual(last);
      expect(g).toBeGreaterThanOrEqual(0);
      last = g;
    }
  });
  it("the optimum interval beats a fixed one", () => {
    const best = goodput({ ...base, chips: 16384 }).goodput;
    for (const tau of [60, 600, 3600])
      expect(goodput({ ...base, chips: 16384, checkpointIntervalS: tau }).goodput).toBeLessThan(best);
  });
  it("built-in inputs are sourced", () => {
    const d = reliabilityData();
    expect(d.failuresPerChipHour.value).toBeCloseTo(419 / (54 * 24 * 16384), 8);
    expect(d.failuresPerChipHour.source?.url).toContain("2407.21783");
    expect(d.restartS.tag).toBe("assumption");
  });
});

describe("blast radius", () => {
  it("an 8-GPU server loses itself; a supernode-wide replica loses the supernode", () => {
    expect(blastRadius(8, 8, 8).idledChips).toBe(8);
    expect(blastRadius(4, 72, 72).idledChips).toBe(72);
    expect(blastRadius(8, 384, 384).idledChips).toBe(384);
    expect(blastRadius(4, 72, 8).idledChips).toBe(8);
    expect(blastRadius(8, 8, 64).idledChips).toBe(64);
  });
});
