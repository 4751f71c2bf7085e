import { describe, expect, it } from "vitest";
import { computeDevice, supportedDtypes } from "./device.ts";
import { fixture910c, fixtureB200, fixtureH800 } from "./test-support/fixture-chips.ts";

describe("computeDevice", () => {
  it("splits a 910C package into two die devices with derived, sourced figures", () => {
    const device = computeDevice(fixture910c);
    expect(device.devicesPerChip).toBe(2);
    expect(device.memoryBandwidthBytesPerS.value).toBe(1.6e12);
    expect(device.memoryCapacityBytes.value).toBe(64e9);
    expect(device.peakFlopsPerS.int8?.value).toBe(752e12);
    expect(device.peakFlopsPerS.int8?.tag).toBe("derived");
    expect(device.peakFlopsPerS.int8?.sources.length).toBeGreaterThan(0);
    expect(device.peakFlopsPerS.fp8).toBeUndefined();
  });

  it("keeps a GPU package whole, even a two-die B200", () => {
    expect(computeDevice(fixtureH800).memoryBandwidthBytesPerS.value).toBe(3.35e12);
    const b200 = computeDevice(fixtureB200);
    expect(b200.devicesPerChip).toBe(1);
    expect(b200.peakFlopsPerS.bf16?.value).toBe(2250e12);
    expect(b200.peakFlopsPerS.bf16?.tag).toBe("spec");
  });

  it("lists supported formats in catalog order", () => {
    expect(supportedDtypes(computeDevice(fixture910c))).toEqual(["bf16", "fp16", "int8"]);
  });
});
