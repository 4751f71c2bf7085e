import { describe, expect, it } from "vitest";
import { compareVersions } from "./compare-versions.ts";

describe("compareVersions", () => {
  it("orders dotted versions part by part as whole numbers, not as text", () => {
    expect(compareVersions("2.26.2", "2.27.3")).toBeLessThan(0);
    expect(compareVersions("0.11.1", "0.4.6")).toBeGreaterThan(0);
    expect(compareVersions("1.0.0", "1.0")).toBe(0);
    expect(compareVersions("1.0.0-rc1", "1.0.0")).toBe(0); // "rc1" is not a number: 0
    expect(["0.4.6", "0.11.1", "0.10.0"].sort(compareVersions)).toEqual(["0.4.6", "0.10.0", "0.11.1"]);
  });
});
