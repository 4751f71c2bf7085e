import { describe, expect, it } from "vitest";
import { builtinCatalog, extendCatalog } from "../catalog/catalog.ts";
import { systemTotals } from "./system-totals.ts";

const catalog = builtinCatalog();
const rel = (a: number, b: number) => Math.abs(a - b) / b;

describe("systemTotals against published totals", () => {
  it("GB200 NVL72: 180 PF dense BF16, 576 TB/s HBM, 13.4 TB usable HBM, 130 TB/s NVLink bidirectional", () => {
    const t = systemTotals(catalog.system("gb200-nvl72"));
    expect(t.chips.value).toBe(72);
    expect(t.cpus?.value).toBe(36);
    expect(t.peakFlopsPerS.bf16?.value).toBeCloseTo(180e15, -12);
    expect(t.peakFlopsPerS.fp8?.value).toBeCloseTo(360e15, -12);
    expect(t.peakFlopsPerS.fp4?.value).toBeCloseTo(720e15, -12);
    expect(t.hbmBandwidthBytesPerS.value).toBeCloseTo(576e12, -9);
    expect(t.hbmCapacityBytes.value).toBeCloseTo(13.392e12, -8);
    expect(t.hbmCapacityBytes.alternatives?.[0]?.value).toBeCloseTo(13.824e12, -8); // 13.8 TB physical
    // "130 TB/s" is 72 × 1.8 TB/s bidirectional = 2 × the per-direction total.
    expect(rel(2 * t.scaleUpTotalBytesPerS.value, 130e12)).toBeLessThan(0.01);
    expect(t.powerW.value).toBe(145e3);
    expect(t.peakFlopsPerW.bf16?.value).toBeCloseTo(180e15 / 145e3, -3);
  });

  it("CloudMatrix384: 49.2 TB and ≈1,229 TB/s HBM, 150.5 TB/s UB per direction, 300 PF BF16", () => {
    const t = systemTotals(catalog.system("cloudmatrix384"));
    expect(t.chips.value).toBe(384);
    expect(t.devices.value).toBe(768);
    expect(t.cpus?.value).toBe(192);
    expect(t.hbmCapacityBytes.value).toBe(49.152e12);
    expect(t.hbmBandwidthBytesPerS.value).toBeCloseTo(1228.8e12, -9);
    expect(t.scaleUpTotalBytesPerS.value).toBeCloseTo(150.528e12, -9);
    // The same total from the fabric: 112 L2 chips × 48 ports × 28 GB/s.
    expect(t.scaleUpSwitchCapacityBytesPerS.value).toBeCloseTo(150.528e12, -9);
    expect(t.peakFlopsPerS.bf16?.value).toBeCloseTo(299.52e15, -12);
    expect(t.peakFlopsPerS.fp16?.value).toBeCloseTo(288.768e15, -12); // WP900 "288.7 PFLOPS@FP16"
    expect(t.scaleOutTotalBytesPerS.value).toBeCloseTo(19.2e12, -9); // 153.6 Tbps RDMA
    expect(t.cpuMemoryBytes?.value).toBeCloseTo(98.304e12, -9); // ~98 TB with 64 GB DIMMs
  });

  it("CloudMatrix384 power: the 559 kW estimate, with the 706–719 kW nameplate bound derived from the racks", () => {
    const t = systemTotals(catalog.system("cloudmatrix384"));
    expect(t.powerW.value).toBe(559e3);
    expect(t.powerW.tag).toBe("estimate");
    expect(t.nameplatePowerW?.value).toBe(12 * 54e3 + 4 * 17.8e3);
    expect(t.nameplatePowerW?.tag).toBe("derived");
    expect(t.nameplatePowerW?.alternatives?.map((a) => a.value)).toEqual([12 * 54e3 + 4 * 14.5e3]);
    expect(t.nameplatePowerW?.sources.some((s) => s.url.includes("e.huawei.com"))).toBe(true);
  });

  it("derived totals carry their inputs' sources and alternatives", () => {
    const bf16 = systemTotals(catalog.system("cloudmatrix384")).peakFlopsPerS.bf16;
    expect(bf16?.tag).toBe("derived");
    expect(bf16?.sources.map((s) => s.key)).toEqual(expect.arrayContaining(["sa", "p2"]));
    expect(bf16?.alternatives?.map((a) => a.value / 1e15)).toEqual([
      expect.closeTo(288.768, 3),
      expect.closeTo(271.7952, 3),
    ]);
  });

  it("HGX and DGX servers match their datasheet totals", () => {
    const h100 = systemTotals(catalog.system("hgx-h100"));
    expect(rel(h100.peakFlopsPerS.bf16?.value ?? 0, 7.9e15)).toBeLessThan(0.01);
    expect(h100.hbmCapacityBytes.value).toBe(640e9);
    expect(rel(h100.hbmBandwidthBytesPerS.value, 26.8e12)).toBeLessThan(0.001);
    expect(rel(2 * h100.scaleUpTotalBytesPerS.value, 7.2e12)).toBeLessThan(0.001); // 7.2 TB/s NVLink
    const b200 = systemTotals(catalog.system("dgx-b200"));
    expect(b200.hbmCapacityBytes.value).toBe(1440e9);
    expect(rel(2 * b200.scaleUpTotalBytesPerS.value, 14.4e12)).toBeLessThan(0.001);
    expect(systemTotals(catalog.system("hgx-h800")).scaleUpPerChipBytesPerS.value).toBe(200e9);
  });

  it("scale-up per chip is limited by the fabric (half the UB link rate halves it)", () => {
    const half = extendCatalog(
      catalog,
      "systems:\n  - id: h\n    extends: cloudmatrix384\n    scaleUp: { linkGBps: 14 }\n",
      "h.yaml",
    );
    const t = systemTotals(half.system("h"));
    expect(t.scaleUpPerChipBytesPerS.value).toBe(196e9);
    expect(t.scaleUpTotalBytesPerS.value).toBeCloseTo(75.264e12, -9);
  });
});

describe("describeCluster", () => {
  it("multiplies additive totals by the number of systems and keeps per-chip figures out", async () => {
    const { describeCluster } = await import("./describe-hardware.ts");
    const rows = describeCluster(catalog.cluster({ system: "cloudmatrix384", count: 2 }));
    const value = (path: string) => {
      const row = rows.find((r) => r.path === path);
      return typeof row?.value === "object" ? row.value.value : row?.value;
    };
    expect(value("fabric.id")).toBe("roce-400g-fat-tree");
    expect(value("totals.chips")).toBe(768);
    expect(value("totals.hbmCapacityBytes")).toBe(2 * 49.152e12);
    expect(value("totals.powerW")).toBe(2 * 559e3);
    expect(rows.some((r) => r.path === "totals.scaleUpPerChipBytesPerS")).toBe(false);
  });
});
