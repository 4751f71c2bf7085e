import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { collectiveTime } from "./collective-time.ts";
import {
  nvlsBytesPerRank,
  nvlsHeads,
  nvlsTreeMinTransferS,
  nvlsTreePipelineFactor,
  treeHeads,
} from "./nvls-limits.ts";

describe("NCCL's NVLS limits", () => {
  it("at most 32 GPUs are heads (NCCL_MAX_NVLS_ARITY): a head of a 72-GPU NVLS moves S(1 + 1/32)", () => {
    expect(nvlsHeads(2)).toBe(2);
    expect(nvlsHeads(32)).toBe(32);
    expect(nvlsHeads(72)).toBe(32);
    expect(nvlsBytesPerRank(8, 8e9)).toBeCloseTo(9e9, 0);
    expect(nvlsBytesPerRank(72, 32e9)).toBeCloseTo(33e9, 0);
    // both engines carry the heads' bytes on NVL72
    const nvl72 = builtinCatalog().system("gb200-nvl72");
    const req = { op: "all-reduce", bytes: 2 ** 33, ranks: 72, algorithm: "in-switch" } as const;
    const a = collectiveTime(nvl72, { ...req, engine: "analytic" });
    const f = collectiveTime(nvl72, { ...req, engine: "flow" });
    expect(a.bytesPerRank).toBeCloseTo(2 ** 33 * (1 + 1 / 32), 0);
    expect(f.timeS).toBeCloseTo(a.timeS, 9);
  });

  it("NVLSTree across nodes is no faster than the tuner's per-channel cap; none on one node or without a cap", () => {
    // Hopper, two nodes of 8: 8 heads x 57.7 GB/s of bus bandwidth
    const s = nvlsTreeMinTransferS(2 ** 33, 16, 2, 8, "NVLink 4 / NVSwitch 3");
    expect((2 ** 33 * (30 / 16)) / s / 1e9).toBeCloseTo(8 * 57.7, 6);
    // more nodes: the lower cap (45.5)
    expect(nvlsTreeMinTransferS(2 ** 33, 32, 4, 8, "NVLink 4")).toBeGreaterThan(s);
    expect(nvlsTreeMinTransferS(2 ** 33, 8, 1, 8, "NVLink 4")).toBe(0);
    expect(nvlsTreeMinTransferS(2 ** 33, 16, 2, 8, "NVLink 3 / NVSwitch 2")).toBe(0);
  });

  it("NVLSTree across NVL72 racks sends over the 32 heads' NICs only, in both engines", () => {
    expect(treeHeads({ ranksPerSystem: 72, inSwitchReduction: true })).toBe(32);
    expect(treeHeads({ ranksPerSystem: 8, inSwitchReduction: true })).toBe(8);
    expect(treeHeads({ ranksPerSystem: 8, inSwitchReduction: false })).toBe(8);
    const racks = builtinCatalog().cluster({ system: "gb200-nvl72", count: 2 });
    const req = { op: "all-reduce", bytes: 2 ** 32, ranks: 144, algorithm: "tree" } as const;
    const a = collectiveTime(racks, { ...req, engine: "analytic" });
    // two racks: each head exchanges its slice S/32 once each way (S/32/2 per tree, both trees)
    const nic = a.loadedLinks.find((l) => l.tier === "scale-out-access");
    expect(nic?.bytes).toBeCloseTo(2 ** 32 / 32, 0);
    const f = collectiveTime(racks, { ...req, engine: "flow" });
    expect(f.timeS / a.timeS).toBeCloseTo(1, 3); // within 0.1 % (path latencies differ by < 1 µs)
  });

  it("with NVLS off (inSwitch: false) the tree across NVL72 racks is NCCL's plain Tree: a chain in each rack, every GPU's NIC", () => {
    const racks = builtinCatalog().cluster({ system: "gb200-nvl72", count: 2 });
    const req = { op: "all-reduce", bytes: 2 ** 32, ranks: 144, algorithm: "tree", inSwitch: false } as const;
    const a = collectiveTime(racks, { ...req, engine: "analytic" });
    const nic = a.loadedLinks.find((l) => l.tier === "scale-out-access");
    expect(nic?.bytes).toBeCloseTo(2 ** 32 / 72, 0);
    const access = a.loadedLinks.find((l) => l.tier === "scale-up-access");
    expect(access?.bytes).toBeGreaterThan((2 * 2 ** 32 * 71) / 72 - 1);
    const f = collectiveTime(racks, { ...req, engine: "flow" });
    expect(Math.abs(f.timeS / a.timeS - 1)).toBeLessThan(0.01); // the flow engine charges the chain's 71 hops on each path
  });

  it("NVLSTree's loops fill a pipeline through the tree: 2 + 2 × depth loops of channels × heads × chunk", () => {
    const loop = 32 * 32 * 131072; // two NVL72 racks: 32 channels × 32 heads × 128 KiB
    expect(nvlsTreePipelineFactor(2 ** 31, 2, 72, "NVLink 5")).toBeCloseTo(1 + (4 * loop) / 2 ** 31, 9);
    // below 4 loops of data the chunk halves (64 KiB), below one loop it is 32 KiB
    expect(nvlsTreePipelineFactor(2 ** 28, 2, 72, "NVLink 5")).toBeCloseTo(1 + (4 * loop) / 2 / 2 ** 28, 9);
    // from 4 nodes on the chunk is at most 64 KiB, and the tree is deeper (4 nodes: depth 2, 6 loops)
    expect(nvlsTreePipelineFactor(2 ** 34, 4, 72, "NVLink 5")).toBeCloseTo(1 + (6 * loop) / 2 / 2 ** 34, 9);
    // Hopper: 16 channels × 8 heads; no channel count for NVLink 3; one node has no tree
    expect(nvlsTreePipelineFactor(2 ** 33, 2, 8, "NVLink 4")).toBeCloseTo(
      1 + (4 * 16 * 8 * 131072) / 2 ** 33,
      9,
    );
    expect(nvlsTreePipelineFactor(2 ** 33, 2, 8, "NVLink 3")).toBe(1);
    expect(nvlsTreePipelineFactor(2 ** 33, 1, 8, "NVLink 4")).toBe(1);
    // the collective carries it: two racks at 2 GiB take longer than their bytes at the NVLS rate
    const racks = builtinCatalog().cluster({ system: "gb200-nvl72", count: 2 });
    const r = collectiveTime(racks, { op: "all-reduce", bytes: 2 ** 31, ranks: 144 });
    expect(r.algorithm).toBe("tree");
    const big = collectiveTime(racks, { op: "all-reduce", bytes: 2 ** 36, ranks: 144 });
    expect(r.busBandwidthBytesPerS / big.busBandwidthBytesPerS).toBeLessThan(0.85);
  });
});
