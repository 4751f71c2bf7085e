import { describe, expect, it } from "vitest";
import { productOf, ratioOf, sumOf } from "./derive.ts";
import type { Sourced } from "./sourced.ts";

const a: Sourced<number> = {
  value: 780,
  sources: [{ key: "sa", title: "SA", url: "https://sa" }],
  tag: "estimate",
  alternatives: [{ value: 752, sources: [{ key: "wp", title: "WP", url: "https://wp" }], note: "FP16 SKU" }],
};
const b: Sourced<number> = {
  value: 2,
  sources: [{ key: "p2", title: "P2", url: "https://p2" }],
  tag: "spec",
};

describe("derive", () => {
  it("multiplies values, merges sources and varies one alternative at a time", () => {
    const p = productOf("384 × peak", 384, a);
    expect(p.value).toBe(384 * 780);
    expect(p.tag).toBe("derived");
    expect(p.sources.map((s) => s.key)).toEqual(["sa"]);
    expect(p.alternatives).toEqual([
      { value: 384 * 752, sources: a.alternatives?.[0]?.sources, note: "FP16 SKU" },
    ]);
  });
  it("sums and divides", () => {
    expect(sumOf("a + b", a, b).value).toBe(782);
    expect(sumOf("a + b", a, b).sources.map((s) => s.key)).toEqual(["sa", "p2"]);
    expect(ratioOf("a / b", a, b).value).toBe(390);
    expect(ratioOf("a / b", a, b).alternatives?.[0]?.value).toBe(376);
  });
});
