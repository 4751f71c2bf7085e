import { describe, expect, it } from "vitest";
import { StepCountDistribution, stepTokenProbabilities } from "./mtp-step-distribution.ts";
import { Rng } from "./rng.ts";

/** P(S(n) = s) by enumerating every sequence of step outcomes (independent of the recurrence). */
function enumerate(n: number, pi: Float64Array): Map<number, number> {
  const out = new Map<number, number>();
  const walk = (emitted: number, steps: number, probability: number) => {
    if (emitted >= n) {
      out.set(steps, (out.get(steps) ?? 0) + probability);
      return;
    }
    for (let j = 0; j < pi.length; j++) walk(emitted + 1 + j, steps + 1, probability * (pi[j] as number));
  };
  walk(0, 0, 1);
  return out;
}

/** The step-by-step process the table replaces: one draw per draft token. */
function stepByStep(tokens: number, p: number, d: number, rng: Rng): number {
  let emitted = 0;
  let steps = 0;
  while (emitted < tokens) {
    steps++;
    emitted++;
    for (let k = 0; k < d && rng.uniform() < p; k++) emitted++;
  }
  return steps;
}

describe("MTP step-count distribution", () => {
  it("matches enumeration of every step sequence exactly (d = 1, 2, 3)", () => {
    for (const [p, d] of [
      [0.7, 1],
      [0.6, 2],
      [0.85, 3],
    ] as const) {
      const pi = stepTokenProbabilities(p, d);
      expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const table = new StepCountDistribution(pi, 12);
      for (let n = 1; n <= 12; n++) {
        const exact = enumerate(n, pi);
        let cumulative = 0;
        for (let s = 0; s <= n; s++) {
          cumulative += exact.get(s) ?? 0;
          expect(table.cumulative(n, s)).toBeCloseTo(cumulative, 12);
        }
      }
    }
  });

  it("draws agree in mean and spread with the step-by-step process", () => {
    const [p, d, n] = [0.75, 2, 300];
    const table = new StepCountDistribution(stepTokenProbabilities(p, d), n);
    const rng = new Rng(5, 0);
    const drawn = Array.from({ length: 20000 }, () => table.sample(n, rng.uniform()));
    const stepped = Array.from({ length: 20000 }, () => stepByStep(n, p, d, rng));
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { m, v: xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length };
    };
    const a = stats(drawn);
    const b = stats(stepped);
    expect(Math.abs(a.m - b.m)).toBeLessThan(0.2);
    expect(a.v / b.v).toBeGreaterThan(0.9);
    expect(a.v / b.v).toBeLessThan(1.1);
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(Math.ceil(n / (d + 1)));
    expect(table.sample(n, 0)).toBe(Math.min(...[table.sample(n, 0), ...drawn]));
  });
});
