import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { boundPowerLevels, powerLimitedClockFraction } from "./power-limited-clock.ts";
import { sustainedClock } from "./sustained-clock.ts";

const step = (compute: number, memory: number, fabric: number, stepS: number) => ({
  timeByBound: { compute, memory, fabric, overhead: 0 },
  stepS,
});

describe("power-limited clock of a serving step", () => {
  it("meets the training rule at the anchors: compute alone runs at the sustained clock", () => {
    for (const id of ["h100-sxm", "b200", "gb200", "gb300"]) {
      const phi = sustainedClock(builtinCatalog().chip(id), efficiencyProfile(id))?.fraction ?? 1;
      expect(phi).toBeLessThan(1);
      expect(powerLimitedClockFraction(step(1, 0, 0, 1), phi)).toBeCloseTo(phi, 9);
    }
  });

  it("leaves a memory-bound step at the listed clock", () => {
    expect(powerLimitedClockFraction(step(0.1, 0.9, 0, 1), 0.86)).toBe(1);
    expect(powerLimitedClockFraction(step(0, 1, 0, 1), 0.86)).toBe(1);
  });

  it("lowers a mixed step's clock only as far as its mean power needs, between φ and 1", () => {
    const phi = 0.86;
    const r = powerLimitedClockFraction(step(0.8, 0.2, 0, 1), phi);
    expect(r).toBeGreaterThan(phi);
    expect(r).toBeLessThan(1);
    // At r the mean power is the limit: static + dynamic ∝ r³ on compute, the curve's levels elsewhere.
    const { idle: s, memory } = boundPowerLevels();
    const tc = 0.8 / r;
    const power = (tc * (s + (1 - s) * (r / phi) ** 3) + 0.2 * memory) / (tc + 0.2);
    expect(power).toBeCloseTo(1, 6);
    // More compute share, lower clock.
    expect(powerLimitedClockFraction(step(0.9, 0.1, 0, 1), phi)).toBeLessThan(r);
  });

  it("counts overlapped streams by wall time: a transfer hidden under compute does not dilute its power", () => {
    const phi = 0.86;
    // Memory and fabric at one level, so that only the stream accounting differs.
    const levels = { ...boundPowerLevels(), fabric: boundPowerLevels().memory };
    const serial = powerLimitedClockFraction(step(0.8, 0.2, 0, 1), phi, levels);
    // The same compute and memory kernels with 0.6 s of dispatch/combine hidden under them.
    expect(powerLimitedClockFraction(step(0.8, 0.2, 0.6, 1), phi, levels)).toBeCloseTo(serial, 9);
    // The whole step compute-bound on the compute stream: the sustained clock.
    expect(powerLimitedClockFraction(step(1, 0, 0.5, 1), phi)).toBeCloseTo(phi, 9);
  });

  it("reads memory-bound items by their activity: busy cores at the listed clock can reach the limit", () => {
    const phi = 0.86;
    const levels = boundPowerLevels();
    const s = levels.idle;
    // HBM-bound GEMMs whose tensor cores are busy 25 % of the time (flops at the listed peak).
    const busy = {
      ...step(0, 1, 0, 1),
      activity: {
        memory: { timeS: 1, computeS: 0.25, memoryS: 0.95 },
        overhead: { timeS: 0, computeS: 0, memoryS: 0 },
      },
    };
    const atListed = s + (levels.memory - s) * 0.95 + (1 - s) * (1 / phi) ** 3 * 0.25;
    expect(atListed).toBeGreaterThan(1);
    const r = powerLimitedClockFraction(busy, phi, levels);
    expect(r).toBeGreaterThan(phi);
    expect(r).toBeLessThan(1);
    // At r: the core time grows as 1/r and draws (r/φ)³ of the sustained clock's power.
    expect(s + (levels.memory - s) * 0.95 + (1 - s) * (r / phi) ** 3 * (0.25 / r)).toBeCloseTo(1, 6);
    // Idle cores: the same HBM time stays at the listed clock.
    const idle = {
      ...busy,
      activity: { ...busy.activity, memory: { timeS: 1, computeS: 0, memoryS: 0.95 } },
    };
    expect(powerLimitedClockFraction(idle, phi, levels)).toBe(1);
  });

  it("returns 1 when the chip has no sustained-clock data", () => {
    expect(powerLimitedClockFraction(step(1, 0, 0, 1), 1)).toBe(1);
  });
});
