import { describe, expect, it } from "vitest";
import { builtinFabricParams, parseFabricParams, technologyFor } from "./fabric-params.ts";

describe("fabric parameters", () => {
  it("loads the built-in file with sources and converts units to SI", () => {
    const p = builtinFabricParams();
    expect(p.technologies.ub.writeFraction.value).toBeCloseTo(0.699, 6);
    expect(p.technologies.ub.hopLatencyS.value).toBeCloseTo(0.35e-6, 12);
    expect(p.libraries.nccl.fixedCostS.value).toBeCloseTo(4.18e-6, 12);
    expect(p.technologies.ub.writeFraction.sources[0]?.url).toMatch(/arxiv\.org/);
  });

  it("matches catalog technology labels", () => {
    const p = builtinFabricParams();
    expect(technologyFor(p, "UB (LingQu)")?.id).toBe("ub");
    expect(technologyFor(p, "NVLink 4 / NVSwitch 3")?.id).toBe("nvlink");
    expect(technologyFor(p, "ConnectX-8 800G")?.id).toBe("infiniband");
    expect(technologyFor(p, "RoCE 400GbE")?.id).toBe("roce");
    expect(technologyFor(p, "carrier pigeon")).toBeUndefined();
  });

  it("names the file, line and field of a bad value", () => {
    const text = `sources: {}\ntechnologies:\n  ub:\n    match: ub\n    readFraction: { value: -1, source: x, tag: measured }\n`;
    expect(() => parseFabricParams(text, "mine.yaml")).toThrow(
      /mine\.yaml:5:.*technologies\.ub\.readFraction\.value/,
    );
  });
});
