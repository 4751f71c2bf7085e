import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, nearestNames } from "./suggest.ts";

const ids = [
  "ascend-910c",
  "ascend-910c-800",
  "kunpeng-920",
  "h100-sxm",
  "h200-sxm",
  "h800-sxm",
  "cloudmatrix384",
  "gb200-nvl72",
  "gb300-nvl72",
];

describe("editDistance", () => {
  it("counts single edits", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
  });
  it("is symmetric and bounded by the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        return d === editDistance(b, a) && d <= Math.max(a.length, b.length);
      }),
    );
  });
});

describe("nearestNames", () => {
  it("finds typos", () => {
    expect(nearestNames("cloudmatrix348", ids)[0]).toBe("cloudmatrix384");
    expect(nearestNames("gb200-nvl27", ids)[0]).toBe("gb200-nvl72");
  });
  it("ranks names containing the input first, ignoring case and punctuation", () => {
    expect(nearestNames("CloudMatrix", ids)).toEqual(["cloudmatrix384"]);
    expect(nearestNames("GB200_NVL72", ids)[0]).toBe("gb200-nvl72");
  });
  it("respects max and drops unrelated names", () => {
    expect(nearestNames("h100", ids, 2)).toHaveLength(2);
    expect(nearestNames("zzzzzzzzzzzz", ids)).toEqual([]);
  });
  it("suggests or lists", () => {
    expect(didYouMean("kunpeng", ids)).toBe("Did you mean kunpeng-920?");
    expect(didYouMean("qqqqqqqqqqqqq", ["b", "a"])).toBe("Known ids: a, b.");
  });
});
