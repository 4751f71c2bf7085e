import { describe, expect, it } from "vitest";
import { compareVersions } from "./compare-versions.ts";

describe("compareVersions", () => {
  it("orders dotted versions part by part as whole numbers, not as text", () => {
    expect(compareVersions("2.26.2", "2.27.3")).toBeLessThan(0);
    expect(compareVersions("0.11.1", "0.4.6")).toBeGreaterThan(0);
    expect(compareVersions("1.0.0", "1.0")).toBe(0);
    expect(compareVersions("2025.06", "2025.6")).toBe(0);
    expect(["0.4.6", "0.11.1", "0.10.0"].sort(compareVersions)).toEqual(["0.4.6", "0.10.0", "0.11.1"]);
  });

  it("orders pre-releases before their release and post-releases after it (PEP 440)", () => {
    expect(compareVersions("1.3.0rc5", "1.3.0rc20")).toBeLessThan(0);
    expect(compareVersions("1.3.0rc20", "1.3.0")).toBeLessThan(0);
    expect(compareVersions("1.2.0", "1.3.0rc0")).toBeLessThan(0);
    expect(compareVersions("1.0.0-rc1", "1.0.0rc1")).toBe(0);
    expect(compareVersions("0.5.6.post2", "0.5.6")).toBeGreaterThan(0);
    expect(compareVersions("0.5.6.post2", "0.5.7")).toBeLessThan(0);
    expect(["1.3.0", "1.3.0rc20", "1.2.0rc5", "1.3.0rc5"].sort(compareVersions)).toEqual([
      "1.2.0rc5",
      "1.3.0rc5",
      "1.3.0rc20",
      "1.3.0",
    ]);
  });

  it("refuses a string it cannot order, naming it", () => {
    expect(() => compareVersions('"1.3.0rc20"', "1.3.0")).toThrow(/is not a release version/);
    expect(() => compareVersions("1.0", "latest")).toThrow(/"latest" is not a release version/);
  });
});
