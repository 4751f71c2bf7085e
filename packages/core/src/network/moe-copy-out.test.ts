import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { moeCombineTime, moeDispatchTime } from "./moe-communication.ts";
import { copyOutExcessS, copyOutHotSpot } from "./moe-copy-out.ts";

describe("DeepEP-Ascend normal dispatch copy-out order", () => {
  it("concentrates on few sources once the ranks outnumber the cores (256 entries, 48 cores)", () => {
    expect(copyOutHotSpot(256, 48, 8)).toBeCloseTo(1.063, 3);
    expect(copyOutHotSpot(256, 48, 32)).toBeCloseTo(1.063, 3);
    expect(copyOutHotSpot(256, 48, 64)).toBeCloseTo(1.713, 3);
    expect(copyOutHotSpot(256, 48, 128)).toBeCloseTo(3.167, 3);
    expect(copyOutHotSpot(256, 48, 1)).toBe(1);
    // one entry per core and one core per source: every source read at once
    expect(copyOutHotSpot(48, 48, 48)).toBeCloseTo(1, 12);
  });

  it("adds the excess over the flat pull, and nothing without bytes", () => {
    const flat = 1e8 / 1.67e11;
    const h = copyOutHotSpot(256, 48, 128);
    expect(
      copyOutExcessS({ entries: 256, cores: 48, ranks: 128, remoteBytes: 1e8, readBytesPerS: 1.67e11 }),
    ).toBeCloseTo(flat * (h - 1), 12);
    expect(copyOutExcessS({ entries: 256, cores: 48, ranks: 128, remoteBytes: 0, readBytesPerS: 1e11 })).toBe(
      0,
    );
  });

  it("slows a normal dispatch on CloudMatrix384 at EP128, not its combine or low-latency calls", () => {
    const system = builtinCatalog().system("cloudmatrix384");
    const base = { system, ranks: 128, tokensPerRank: 4096, topK: 8, bytesPerToken: 7680 };
    const routing = { experts: 256, groups: 1, topKGroups: 1 };
    const ll = moeDispatchTime({ ...base, routing }).timeS;
    const normal = moeDispatchTime({ ...base, routing, kernels: "normal" }).timeS;
    expect(normal - ll).toBeGreaterThan(2e-3);
    const combine = moeCombineTime({ ...base, bytesPerToken: 14336, routing, kernels: "normal" }).timeS;
    expect(combine).toBeCloseTo(moeCombineTime({ ...base, bytesPerToken: 14336, routing }).timeS, 12);
    // without the expert count the entries are unknown: no term
    expect(moeDispatchTime({ ...base, kernels: "normal" }).timeS).toBeCloseTo(ll, 12);
  });
});
