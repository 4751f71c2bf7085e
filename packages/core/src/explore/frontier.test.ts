import { describe, expect, it } from "vitest";
import { Rng } from "../serving/rng.ts";
import { type FrontierInput, paretoFrontier, throughputAt } from "./frontier.ts";

const dominates = (a: FrontierInput, b: FrontierInput) =>
  a.tokensPerSPerChip >= b.tokensPerSPerChip &&
  a.tokensPerSPerUser >= b.tokensPerSPerUser &&
  (a.tokensPerSPerChip > b.tokensPerSPerChip || a.tokensPerSPerUser > b.tokensPerSPerUser);

describe("paretoFrontier", () => {
  it("keeps exactly the non-dominated points (random clouds)", () => {
    const rng = new Rng(7, 0);
    for (let trial = 0; trial < 50; trial++) {
      const points: FrontierInput[] = [];
      const n = 1 + Math.floor(rng.uniform() * 60);
      for (let i = 0; i < n; i++)
        points.push({
          // coarse values so that ties on one or both figures occur
          tokensPerSPerChip: Math.round(rng.uniform() * 20) * 100,
          tokensPerSPerUser: Math.round(rng.uniform() * 20),
        });
      const frontier = paretoFrontier(points);
      for (const f of frontier) expect(points.some((p) => dominates(p, f))).toBe(false);
      for (const p of points)
        expect(
          frontier.some(
            (f) =>
              f === p ||
              dominates(f, p) ||
              (f.tokensPerSPerChip === p.tokensPerSPerChip && f.tokensPerSPerUser === p.tokensPerSPerUser),
          ),
        ).toBe(true);
      for (let i = 1; i < frontier.length; i++) {
        expect(frontier[i]?.tokensPerSPerUser ?? 0).toBeGreaterThan(frontier[i - 1]?.tokensPerSPerUser ?? 0);
        expect(frontier[i]?.tokensPerSPerChip ?? 0).toBeLessThan(frontier[i - 1]?.tokensPerSPerChip ?? 0);
      }
    }
  });

  it("reads the throughput at an interactivity off the frontier", () => {
    const f = paretoFrontier([
      { tokensPerSPerChip: 3000, tokensPerSPerUser: 10 },
      { tokensPerSPerChip: 2000, tokensPerSPerUser: 20 },
      { tokensPerSPerChip: 500, tokensPerSPerUser: 50 },
      { tokensPerSPerChip: 400, tokensPerSPerUser: 15 },
    ]);
    expect(f).toHaveLength(3);
    expect(throughputAt(f, 20)).toBe(2000);
    expect(throughputAt(f, 21)).toBe(500);
    expect(throughputAt(f, 60)).toBeUndefined();
  });
});
