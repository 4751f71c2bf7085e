import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { sustainedClock } from "./sustained-clock.ts";

describe("H20 (China-market Hopper, 78 SMs at a cut tensor rate)", () => {
  const catalog = builtinCatalog();
  const h20 = catalog.chip("h20");

  it("lists its own peaks, memory and power, and sits on HGX H100's baseboard in hgx-h20", () => {
    expect(h20.peakFlopsPerS.bf16?.value).toBe(148e12);
    expect(h20.peakFlopsPerS.fp8?.value).toBe(296e12);
    expect(h20.memory.capacityBytes.value).toBe(96e9);
    expect(h20.memory.bandwidthBytesPerS.value).toBe(4000e9);
    expect(h20.tdpW?.value).toBe(400);
    const hgx = catalog.system("hgx-h20");
    expect(hgx.node.accelerator.chip.id).toBe("h20");
    expect(hgx.scaleUp).toEqual(catalog.system("hgx-h100").scaleUp);
    expect(hgx.power.usedW.value).toBe(8 * 400);
  });

  it("runs the H800's efficiencies on 78 SMs, and no Hopper sustained-clock law", () => {
    const profile = efficiencyProfileForChip(h20);
    const h800 = efficiencyProfileForChip(catalog.chip("h800-sxm"));
    expect(profile.classes.gemm.cores?.value).toBe(78);
    expect(profile.classes["grouped-gemm"].cores?.value).toBe(78);
    expect(profile.classes.gemm.computeEfficiency.fp8?.value).toBe(
      h800.classes.gemm.computeEfficiency.fp8?.value,
    );
    // The law derives a clock from BF16 peak per SM (148 TFLOPS / 78 SMs would read as 463 MHz).
    expect(sustainedClock(h20, profile)).toBeUndefined();
  });

  it("runs DeepGEMM's grouped GEMM at its own measured FP8 ceiling, with the H800's per-tile time at its own tensor rate per SM", () => {
    const profile = efficiencyProfileForChip(h20);
    const h800chip = catalog.chip("h800-sxm");
    const h800 = efficiencyProfileForChip(h800chip);
    const grouped = profile.classes["grouped-gemm"];
    expect(grouped.computeEfficiency.fp8?.value).toBe(0.92);
    // The other formats stay the H800's (no H20 measurement of them).
    expect(grouped.computeEfficiency.bf16?.value).toBe(
      h800.classes["grouped-gemm"].computeEfficiency.bf16?.value,
    );
    // 677 K elements of per-tile cost on the H800, scaled by the per-SM FP8 rate ratio.
    const perSm = (chip: typeof h20, sms: number) => (chip.peakFlopsPerS.fp8?.value ?? 0) / sms;
    const ratio = perSm(h20, 78) / perSm(h800chip, 132);
    const h800Overhead = h800.classes["grouped-gemm"].kOverheadElements?.value ?? 0;
    expect(grouped.kOverheadElements?.value).toBeCloseTo(h800Overhead * ratio, 0);
    // Dense GEMMs keep the H800's values.
    expect(profile.classes.gemm.kOverheadElements?.value).toBe(h800Overhead);
  });

  it("H20-3e: the 141 GB HBM3e part, the same SMs and peaks, its own memory and power", () => {
    const h20e = catalog.chip("h20-3e");
    expect(h20e.origin.extends).toBe("h20");
    expect(h20e.peakFlopsPerS.fp8?.value).toBe(296e12);
    expect(h20e.memory.capacityBytes.value).toBe(141e9);
    expect(h20e.memory.bandwidthBytesPerS.value).toBe(4917e9);
    expect(h20e.tdpW?.value).toBe(500);
    const profile = efficiencyProfileForChip(h20e);
    expect(profile.basis).toBe("inherited");
    expect(profile.classes.gemm.cores?.value).toBe(78);
    const hgx = catalog.system("hgx-h20-3e");
    expect(hgx.node.accelerator.chip.id).toBe("h20-3e");
    expect(hgx.scaleUp).toEqual(catalog.system("hgx-h20").scaleUp);
  });
});
