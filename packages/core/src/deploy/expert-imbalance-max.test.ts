import { describe, expect, it } from "vitest";
import { Rng } from "../serving/index.ts";
import {
  EXACT_BUDGET,
  exactCost,
  exactMaxCount,
  expectedMaxLoadFactor,
  maxNormalMoments,
  skewCorrection,
} from "./expert-imbalance-max.ts";
import { expectedMaxRankLoad } from "./rank-load-max.ts";

/** E[max count] by brute force: n independent picks of a rank with probabilities p. */
function simulateWithReplacement(p: readonly number[], n: number, trials: number): number {
  const rng = new Rng(12345, 0);
  const next = () => rng.uniform();
  let acc = 0;
  const cum = p.map((x) => {
    acc += x;
    return acc;
  });
  const counts = new Array<number>(p.length);
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const u = next() * (cum[cum.length - 1] as number);
      let r = 0;
      while (u >= (cum[r] as number)) r++;
      counts[r] = (counts[r] as number) + 1;
    }
    sum += Math.max(...counts);
  }
  return sum / trials;
}

/**
 * Hottest rank ÷ mean by brute force, as routing does it: each of `tokens` tokens picks `topK`
 * distinct experts of `experts` uniformly; rank k holds the k-th index block of experts / ranks.
 */
function simulateRouting(
  tokens: number,
  topK: number,
  experts: number,
  ranks: number,
  trials: number,
): number {
  const rng = new Rng(777, 0);
  const next = () => rng.uniform();
  const ids = Array.from({ length: experts }, (_, i) => i);
  const perRank = experts / ranks;
  const counts = new Array<number>(ranks);
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    counts.fill(0);
    for (let token = 0; token < tokens; token++)
      for (let j = 0; j < topK; j++) {
        const pick = j + Math.floor(next() * (experts - j)); // partial Fisher–Yates: distinct experts
        const e = ids[pick] as number;
        ids[pick] = ids[j] as number;
        ids[j] = e;
        const r = Math.floor(e / perRank);
        counts[r] = (counts[r] as number) + 1;
      }
    sum += Math.max(...counts);
  }
  return (sum / trials) * (ranks / (tokens * topK));
}

describe("exactMaxCount (multinomial, conditional Poisson)", () => {
  it("matches a brute-force simulation of independent picks within 1 % (40,000 trials), equal and skewed shares", () => {
    for (const [p, n] of [
      [[0.25, 0.25, 0.25, 0.25], 8],
      [[0.25, 0.25, 0.25, 0.25], 64],
      [new Array<number>(8).fill(1 / 8), 32],
      [[0.4, 0.3, 0.2, 0.1], 16],
    ] as const) {
      const exact = exactMaxCount(p, n) as number;
      expect(exact / simulateWithReplacement(p, n, 40_000)).toBeCloseTo(1, 2);
    }
  });

  it("is exact on cases by hand: 2 picks over 2 ranks E[max] = 1.5; all picks on one rank = n", () => {
    expect(exactMaxCount([0.5, 0.5], 2)).toBeCloseTo(1.5, 12);
    expect(exactMaxCount([1, 0, 0], 7)).toBeCloseTo(7, 12);
    expect(exactMaxCount([0.5, 0.5], 1)).toBeCloseTo(1, 12);
  });

  it("refuses (undefined) where its cost exceeds the budget, and the estimate bounds what runs", () => {
    expect(exactCost(288, 2000, 1 / 288)).toBeGreaterThan(EXACT_BUDGET);
    expect(exactMaxCount(new Array<number>(288).fill(1 / 288), 2000)).toBeUndefined();
    expect(exactCost(8, 64, 1 / 8)).toBeLessThanOrEqual(EXACT_BUDGET);
  });
});

describe("the Gaussian path meets the exact one", () => {
  it("equal shares: E[max of R normals] moments (R = 2: 1/√π and 1)", () => {
    const [e1, e2] = maxNormalMoments(2);
    expect(e1).toBeCloseTo(1 / Math.sqrt(Math.PI), 8);
    expect(e2).toBeCloseTo(1, 8);
    expect(maxNormalMoments(8)[0]).toBeCloseTo(1.4236, 4);
  });

  it("with the skewness term, within 0.05 counts of the exact multinomial (equal and skewed shares)", () => {
    for (const [p, n] of [
      [new Array<number>(8).fill(1 / 8), 100],
      [new Array<number>(4).fill(1 / 4), 64],
      [Array.from({ length: 16 }, (_, i) => 1 / (1 + 0.3 * i)), 48],
    ] as const) {
      const total = p.reduce((a, b) => a + b, 0);
      const q = p.map((x) => x / total);
      const gauss = (expectedMaxRankLoad(q, n, 1) * n) / q.length + skewCorrection(q, n, 1);
      expect(Math.abs(gauss - (exactMaxCount(q, n) as number))).toBeLessThan(0.05);
    }
  });
});

describe("expectedMaxLoadFactor against routing simulated token by token", () => {
  it("distinct top-k picks over index blocks: within 1.5 % of a 20,000-trial simulation", () => {
    for (const [tokens, topK, experts, ranks] of [
      [1, 8, 128, 4], // Qwen3-235B, one request, EP4
      [4, 8, 128, 4],
      [8, 8, 128, 8],
      [16, 8, 256, 8], // DeepSeek, 16 tokens, EP8
      [8, 1, 16, 8], // Llama 4 Scout, batch 8, EP8 (top-1: multinomial exactly)
      [40, 8, 128, 4], // past the exact path's budget at 320 picks: the Gaussian path
    ] as const) {
      const model = expectedMaxLoadFactor(new Array<number>(ranks).fill(1), tokens * topK, { topK, experts });
      const simulated = simulateRouting(tokens, topK, experts, ranks, 20_000);
      expect(Math.abs(model / simulated - 1)).toBeLessThan(0.015);
    }
  });

  it("the old bound and the independent-binomial form bracket it at a few picks", () => {
    // 8 picks over 4 ranks: bound ×2.020, independent binomials ×1.630, exact ×1.769.
    const f = expectedMaxLoadFactor([1, 1, 1, 1], 8);
    expect(f).toBeCloseTo(1.769, 3);
    const mean = 8 / 4;
    const bound = 1 + (Math.sqrt(mean * (1 - 1 / 4)) * Math.sqrt(2 * Math.log(4))) / mean;
    // Independent Binomial(8, ¼) ranks: the Gaussian integral at variance N p (1 − p).
    const binomials = expectedMaxRankLoad([1, 1, 1, 1], 8, 1 - 1 / 4);
    expect(bound).toBeCloseTo(2.02, 2);
    expect(binomials).toBeCloseTo(1.63, 2);
    expect(f).toBeGreaterThan(binomials);
    expect(f).toBeLessThan(bound);
  });
});

describe("expectedMaxLoadFactor edge cases", () => {
  it("one rank, no assignments: 1; huge N: → 1", () => {
    expect(expectedMaxLoadFactor([1], 100)).toBe(1);
    expect(expectedMaxLoadFactor([1, 1, 1], 0)).toBe(1);
    expect(expectedMaxLoadFactor(new Array<number>(8).fill(1), 1e12)).toBeLessThan(1.0001);
  });

  it("fewer picks than ranks (8 over 288): the hottest rank holds 1 or 2, so ×36…72", () => {
    const f = expectedMaxLoadFactor(new Array<number>(288).fill(1), 8, { topK: 8, experts: 256 });
    expect(f).toBeGreaterThan(36);
    expect(f).toBeLessThan(40);
  });

  it("a fractional N lies between its neighbours", () => {
    const p = [1, 1, 1, 1];
    const at = (n: number) => (expectedMaxLoadFactor(p, n) * n) / 4; // E[max]
    expect(at(8.5)).toBeGreaterThan(at(8));
    expect(at(8.5)).toBeLessThan(at(9));
  });

  it("bad input: a clear error naming the file and what was expected", () => {
    expect(() => expectedMaxLoadFactor([1, -1], 8)).toThrow(/expert-imbalance-max.ts: rank 1's load share/);
    expect(() => expectedMaxLoadFactor([1, 1], Number.NaN)).toThrow(
      /routed assignments must be a finite number/,
    );
    expect(() => expectedMaxLoadFactor([1, 1], 8, { topK: 9, experts: 8 })).toThrow(
      /top-k must be an integer/,
    );
  });
});
