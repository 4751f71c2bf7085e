import { describe, expect, it } from "vitest";
import { groupThousands, LIMITS } from "./limits.ts";

describe("groupThousands", () => {
  it("writes whole numbers as toLocaleString('en-US') does", () => {
    const values = [0, 7, -7, 999, 1000, -1000, 65_536, 999_999, 1_000_000, 2 ** 24, 2 ** 53 - 1, -(2 ** 31)];
    for (const v of [...values, ...Object.values(LIMITS)])
      expect(groupThousands(v), String(v)).toBe(v.toLocaleString("en-US"));
    expect(groupThousands(1234.5)).toBe((1234.5).toLocaleString("en-US"));
  });
});
