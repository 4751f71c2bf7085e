import { describe, expect, it } from "vitest";
import { decodeStepsFor, EXACT_LIMIT, mtpModel } from "./mtp.ts";
import { Rng } from "./rng.ts";

describe("MTP acceptance", () => {
  it("solves the per-draft acceptance from the mean tokens per step", () => {
    expect(mtpModel(1.7, 1, "per-step").acceptance).toBeCloseTo(0.7, 9);
    const two = mtpModel(1 + 0.6 + 0.36, 2, "per-step");
    expect(two.acceptance).toBeCloseTo(0.6, 9);
    expect(mtpModel(1, 1, "per-step").draftTokens).toBe(0);
  });

  it("per-step sampling: the mean steps match tokens / mean tokens per step, with spread", () => {
    const rng = new Rng(1, 0);
    const mtp = mtpModel(1.7, 1, "per-step");
    const samples = Array.from({ length: 4000 }, () => decodeStepsFor(mtp, 255, rng));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(255 / 1.7 - 1);
    expect(mean).toBeLessThan(255 / 1.7 + 1);
    expect(new Set(samples).size).toBeGreaterThan(5);
    expect(decodeStepsFor(mtpModel(1.7, 1, "mean"), 255, rng)).toBe(Math.ceil(255 / 1.7));
  });

  it("long outputs (renewal CLT) agree in mean and variance with step-by-step sampling", () => {
    const mtp = mtpModel(1 + 0.8 + 0.64, 2, "per-step");
    const tokens = EXACT_LIMIT; // the longest exact case, compared with the CLT at the same length
    const rng = new Rng(2, 0);
    const exact = Array.from({ length: 4000 }, () => decodeStepsFor(mtp, tokens, rng));
    const clt = Array.from({ length: 4000 }, () => decodeStepsFor(mtp, tokens + 1, rng));
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { m, v: xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length };
    };
    const a = stats(exact);
    const b = stats(clt);
    expect(Math.abs(a.m - b.m)).toBeLessThan(1.5);
    expect(b.v / a.v).toBeGreaterThan(0.85);
    expect(b.v / a.v).toBeLessThan(1.15);
  });
});
