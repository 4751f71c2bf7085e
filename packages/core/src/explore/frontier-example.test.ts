import { describe, expect, it } from "vitest";
import { GPT_MOE_NVL72_VS_H100 } from "./example-gpt-moe.ts";
import { type FrontierExample, frontierExample, runFrontierExample } from "./frontier-example.ts";

/**
 * The example with a narrow space, read at 10 tokens/s per user so that every side has a point there
 * (the arithmetic of ratio and factors, not the figures).
 */
function narrow(e: FrontierExample): FrontierExample {
  const shrink = <T extends FrontierExample["series"][number]>(s: T): T => ({
    ...s,
    space: {
      ...s.space,
      chipsPerInstance: [32],
      attentionTp: [4, 8],
      moeTp: [1],
      batchPerChip: [1, 2, 16],
      pp: [2],
    },
  });
  return { ...e, atTokensPerSPerUser: 10, series: e.series.map(shrink), variants: e.variants.map(shrink) };
}

describe("frontier examples", () => {
  it("names the examples it has", () => {
    expect(frontierExample("gpt-moe-1.8t-nvl72-vs-h100").claim.ratio).toBe(30);
    expect(() => frontierExample("nope")).toThrow(/gpt-moe-1.8t-nvl72-vs-h100/);
  });

  it("reads every frontier at the interactivity and divides out each factor", () => {
    const r = runFrontierExample(narrow(GPT_MOE_NVL72_VS_H100));
    const at = (id: string) =>
      [...r.series, ...r.variants].find((s) => s.id === id)?.atPoint?.tokensPerSPerChip ?? Number.NaN;
    for (const s of [...r.series, ...r.variants]) {
      expect(s.candidates).toBe(s.evaluated + Object.values(s.pruned).reduce((a, b) => a + b, 0));
      if (s.atPoint !== undefined) expect(s.atPoint.tokensPerSPerUser).toBeGreaterThanOrEqual(10);
    }
    expect(r.ratio).toBeDefined();
    expect(r.ratio).toBeCloseTo(at("nvl72-fp4") / at("h100-fp8"), 9);
    const fp4 = r.factors.find((f) => f.factor === "FP4");
    expect(fp4?.gain).toBeCloseTo(at("nvl72-fp4") / at("nvl72-fp8"), 9);
    const product = r.factors.reduce((p, f) => p * (f.gain ?? Number.NaN), 1);
    expect((r.remainder ?? 0) * product).toBeCloseTo(r.ratio ?? 0, 9);
  });
});
