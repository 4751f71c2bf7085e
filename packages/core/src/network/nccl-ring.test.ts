import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { collectiveTime } from "./collective-time.ts";
import { fabricModel } from "./fabric-model.ts";
import { ncclRingLatencyAcrossS, ringCrossing } from "./nccl-ring.ts";

describe("NCCL's ring across NVLink domains", () => {
  it("crosses through one NIC per search channel of a multi-tray domain, one per GPU of a server otherwise", () => {
    const cat = builtinCatalog();
    // 721.8 GB/s of NVLink per GB200 GPU / 48 GB/s a channel: 15 channels through the rack
    expect(ringCrossing(fabricModel(cat.system("gb200-nvl72")))).toEqual({ group: 72, channels: 15 });
    expect(ringCrossing(fabricModel(cat.system("hgx-h100")))).toEqual({ group: 8, channels: 8 });
    // HCCL on CloudMatrix384 keeps one channel per die of a server
    const cm = fabricModel(cat.system("cloudmatrix384"));
    expect(ringCrossing(cm)).toEqual({ group: cm.ranksPerServer, channels: cm.ranksPerServer });
  });

  it("charges NCCL's Ring/Simple latency across nodes: NVLink steps, network steps, the plateau factor", () => {
    // 24 ranks on 3 nodes: 42 NVLink steps of 3.4 us and 4 network steps of 14 us, x 1.4
    expect(ncclRingLatencyAcrossS(24, 3, 2 ** 34, 16) * 1e6).toBeCloseTo(1.4 * (42 * 3.4 + 4 * 14), 6);
    // under 64 bytes per channel and rank: no plateau
    expect(ncclRingLatencyAcrossS(24, 3, 1024, 16) * 1e6).toBeCloseTo(42 * 3.4 + 4 * 14, 6);
    expect(ncclRingLatencyAcrossS(8, 1, 2 ** 30, 16)).toBe(0);
  });

  it("across two NVL72 racks both engines spread the ring over 15 NICs a rack", () => {
    const racks = builtinCatalog().cluster({ system: "gb200-nvl72", count: 2 });
    const req = { op: "all-reduce", bytes: 2 ** 32, ranks: 144, algorithm: "ring" } as const;
    const a = collectiveTime(racks, { ...req, engine: "analytic" });
    const nic = a.loadedLinks.find((l) => l.tier === "scale-out-access");
    // a ring step carries S/144 per rank, a fifteenth of it through each crossing NIC
    expect(nic?.bytes).toBeCloseTo(2 ** 32 / 144 / 15, 0);
    const f = collectiveTime(racks, { ...req, engine: "flow" });
    expect(Math.abs(f.transferS / a.transferS - 1)).toBeLessThan(0.01);
    expect(f.latencyS).toBeCloseTo(a.latencyS, 12);
  });

  it("crosses per server when the ranks do not fill whole domains, alike in both engines", () => {
    const cat = builtinCatalog();
    const nvl72 = fabricModel(cat.system("gb200-nvl72"));
    expect(ringCrossing(nvl72, 96)).toEqual({ group: nvl72.ranksPerServer, channels: nvl72.ranksPerServer });
    expect(ringCrossing(nvl72, 144)).toEqual({ group: 72, channels: 15 });
    const racks = cat.cluster({ system: "gb200-nvl72", count: 2 });
    const req = { op: "all-reduce", bytes: 2 ** 30, ranks: 96, algorithm: "ring" } as const;
    const a = collectiveTime(racks, { ...req, engine: "analytic" });
    const f = collectiveTime(racks, { ...req, engine: "flow" });
    expect(Math.abs(f.timeS / a.timeS - 1)).toBeLessThan(0.05);
  });
});
