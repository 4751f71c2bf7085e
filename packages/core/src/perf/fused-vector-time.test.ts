import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { fusedVectorTime } from "./fused-vector-time.ts";

describe("fusedVectorTime", () => {
  it("streams the bytes at the chip's vector memory efficiency, with no launch of its own", () => {
    const h100 = builtinCatalog().chip("h100-sxm");
    const eff = efficiencyProfileForChip(h100).classes.vector.memoryEfficiency.value;
    const bytes = 14.68e6 + 1.835e6;
    const t = fusedVectorTime(h100, 14.68e6, 1.835e6, 0);
    expect(t).toBeCloseTo(bytes / (h100.memory.bandwidthBytesPerS.value * eff), 12);
    expect(t).toBeGreaterThan(4e-6);
    expect(t).toBeLessThan(8e-6);
  });
});
