import { describe, expect, it } from "vitest";
import { enUs, enUsSignificant } from "./locale-number.ts";

describe("enUs", () => {
  it("prints what toLocaleString('en-US', { maximumFractionDigits }) prints", () => {
    const values = [0, -0, 1, -1.5, 0.004, 1234.5678, 9_999_999.995, 1e21, 1 / 3, Number.NaN, Infinity];
    for (const digits of [0, 1, 2, 3])
      for (const x of values)
        expect(enUs(x, digits)).toBe(x.toLocaleString("en-US", { maximumFractionDigits: digits }));
  });

  it("groups thousands and rounds to the digits asked for", () => {
    expect(enUs(1234.567, 1)).toBe("1,234.6");
    expect(enUs(1234.567, 0)).toBe("1,235");
  });

  it("enUsSignificant prints what toLocaleString('en-US', { maximumSignificantDigits }) prints", () => {
    const values = [
      0,
      -0,
      1,
      -1.5,
      0.004,
      0.0012345,
      1234.5678,
      9_999_999.995,
      1e21,
      1 / 3,
      Number.NaN,
      Infinity,
    ];
    for (const digits of [1, 3, 4])
      for (const x of values)
        expect(enUsSignificant(x, digits)).toBe(
          x.toLocaleString("en-US", { maximumSignificantDigits: digits }),
        );
    expect(enUsSignificant(1234.567, 3)).toBe("1,230");
    expect(enUsSignificant(0.0012345, 3)).toBe("0.00123");
  });
});
