import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { compareSystems } from "./compare-systems.ts";

const catalog = builtinCatalog();
const comparison = compareSystems([catalog.system("cloudmatrix384"), catalog.system("gb200-nvl72")]);
const ratio = (key: string) => comparison.rows.find((r) => r.key === key)?.ratios[1] ?? Number.NaN;
const values = (key: string) =>
  comparison.rows.find((r) => r.key === key)?.values.map((v) => v?.value ?? null);

describe("compareSystems: CloudMatrix384 vs GB200 NVL72 (SemiAnalysis's published comparison)", () => {
  it("≈300 vs 180 PFLOPS dense BF16, ≈1.7×", () => {
    const [cm, nvl] = values("peakFlopsPerS.bf16") ?? [];
    expect(cm).toBeGreaterThanOrEqual(288e15);
    expect(cm).toBeLessThanOrEqual(310e15);
    expect(nvl).toBeCloseTo(180e15, -12);
    expect(ratio("peakFlopsPerS.bf16")).toBeCloseTo(1.7, 1);
  });
  it("≈3.6× HBM capacity, ≈2.1× HBM bandwidth", () => {
    expect(values("hbmCapacityBytes")?.[0]).toBe(49.152e12);
    expect(ratio("hbmCapacityBytes")).toBeGreaterThan(3.5);
    expect(ratio("hbmCapacityBytes")).toBeLessThan(3.7);
    expect(ratio("hbmBandwidthBytesPerS")).toBeCloseTo(2.1, 1);
  });
  it("≈559 vs ≈145 kW; ≈2.3× lower FLOPS per watt; ≈1.8× worse HBM bandwidth per watt", () => {
    expect(values("powerW")).toEqual([559e3, 145e3]);
    expect(1 / ratio("peakFlopsPerW.bf16")).toBeCloseTo(2.3, 1);
    expect(1 / ratio("hbmBandwidthPerW")).toBeCloseTo(1.8, 1);
    expect(values("nameplatePowerW")).toEqual([719.2e3, null]);
  });
  it("has one value and one ratio per system, null where a system lacks a dtype", () => {
    for (const row of comparison.rows) {
      expect(row.values).toHaveLength(2);
      expect(row.ratios[0] === 1 || row.ratios[0] === null).toBe(true);
    }
    expect(values("peakFlopsPerS.fp8")).toEqual([null, 360e15]);
    expect(comparison.rows.find((r) => r.key === "peakFlopsPerS.fp8")?.ratios[1]).toBeNull();
    expect(comparison.systems.map((s) => s.id)).toEqual(["cloudmatrix384", "gb200-nvl72"]);
  });
  it("compares three systems against the first", () => {
    const three = compareSystems(["gb200-nvl72", "hgx-h100", "dgx-b200"].map((id) => catalog.system(id)));
    const bf16 = three.rows.find((r) => r.key === "peakFlopsPerS.bf16");
    expect(bf16?.ratios[1]).toBeCloseTo(180 / 7.9152, 3);
    expect(bf16?.ratios[2]).toBeCloseTo(10, 6);
  });
});
