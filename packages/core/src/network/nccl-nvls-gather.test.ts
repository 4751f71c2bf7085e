/**
 * NVLS for all-gather and reduce-scatter: offered by NCCL from 3 to 32 ranks of one NVLink domain,
 * run where NCCL's own estimate beats the ring's, timed by the fabric model in both engines.
 */
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { collectiveTime } from "./collective-time.ts";
import { fabricModel } from "./fabric-model.ts";
import { gatherAlgorithm, ncclGatherEstimate } from "./nccl-nvls-gather.ts";

const MiB = 2 ** 20;
const cat = builtinCatalog();
const nvl72 = cat.system("gb200-nvl72");
const b200 = cat.system("dgx-b200");
const h100 = cat.system("hgx-h100");

describe("NVLS all-gather / reduce-scatter as NCCL's tuner chooses it", () => {
  it("NCCL's NVLS estimate follows its graph and version rule", () => {
    // 16 ranks: 16 channels at 40 GB/s (17 x 40 <= 721.8); >= 2.28: x 0.74 x (15/16)^2 = 416.25 GB/s
    const e = ncclGatherEstimate(16, 16e6, 721.8e9, "NVLink 5");
    expect(e?.nvlsS).toBeCloseTo(25e-6 + 16e6 / 416.25e9, 9);
    // 2.27: x min(15/16, 0.9) = 576 GB/s; 2.26: x 1 = 640 GB/s
    expect(ncclGatherEstimate(16, 16e6, 721.8e9, "NVLink 5", "2.27.3")?.nvlsS).toBeCloseTo(
      25e-6 + 16e6 / 576e9,
      9,
    );
    expect(ncclGatherEstimate(16, 16e6, 721.8e9, "NVLink 5", "2.26.2")?.nvlsS).toBeCloseTo(
      25e-6 + 16e6 / 640e9,
      9,
    );
    // the ring's best protocol at 0 bytes: LL, 6.6 + 15 x 0.6 us
    expect(ncclGatherEstimate(16, 0, 721.8e9, "NVLink 5")?.ringS).toBeCloseTo(15.6e-6, 9);
    expect(ncclGatherEstimate(16, 1, 721.8e9, "UB")).toBeUndefined();
  });

  it("in one server NCCL keeps the ring; on NVL72 it runs NVLS at 16-32 ranks and never above 32", () => {
    for (const sys of [b200, h100])
      for (const n of [4, 8])
        for (let b = 64 * 1024; b <= 2 ** 30; b *= 2)
          for (const op of ["all-gather", "reduce-scatter"] as const)
            expect(gatherAlgorithm(fabricModel(sys), { op, bytes: b, ranks: n })).toBe("ring");
    const m = fabricModel(nvl72);
    expect(gatherAlgorithm(m, { op: "all-gather", bytes: 16 * MiB, ranks: 16 })).toBe("in-switch");
    expect(gatherAlgorithm(m, { op: "all-gather", bytes: MiB, ranks: 32 })).toBe("in-switch");
    expect(gatherAlgorithm(m, { op: "all-gather", bytes: 2 ** 28, ranks: 32 })).toBe("ring");
    expect(gatherAlgorithm(m, { op: "all-gather", bytes: 16 * MiB, ranks: 36 })).toBe("ring");
    expect(gatherAlgorithm(m, { op: "all-gather", bytes: 16 * MiB, ranks: 32, inSwitch: false })).toBe(
      "ring",
    );
    expect(() =>
      collectiveTime(nvl72, { op: "all-gather", bytes: MiB, ranks: 72, algorithm: "in-switch" }),
    ).toThrow(/in-switch/);
    // NVLS on 2 GPUs only from NCCL 2.28.7 (nvls.cc), and the tuner never picks it there
    const two = collectiveTime(b200, { op: "all-gather", bytes: MiB, ranks: 2, algorithm: "in-switch" });
    expect(two.algorithm).toBe("in-switch");
    const old = {
      op: "all-gather",
      bytes: MiB,
      ranks: 2,
      algorithm: "in-switch",
      ncclVersion: "2.27.3",
    } as const;
    expect(() => collectiveTime(b200, old)).toThrow(/from 3 to 8/);
    expect(gatherAlgorithm(fabricModel(b200), { op: "all-gather", bytes: 16 * MiB, ranks: 2 })).toBe("ring");
  });

  it("an NVLS all-gather moves S one way per GPU at the NVLS fraction, the same in both engines", () => {
    const a = collectiveTime(nvl72, { op: "all-gather", bytes: 16 * MiB, ranks: 32 });
    const f = collectiveTime(nvl72, { op: "reduce-scatter", bytes: 16 * MiB, ranks: 32, engine: "flow" });
    expect(a.algorithm).toBe("in-switch");
    expect(f.algorithm).toBe("in-switch");
    expect(a.timeS).toBeCloseTo(f.timeS, 9);
    const m = fabricModel(nvl72);
    expect(a.transferS).toBeCloseTo((16 * MiB * m.inSwitchInflation) / m.accessBytesPerS, 9);
    const ring = collectiveTime(nvl72, { op: "all-gather", bytes: 16 * MiB, ranks: 32, algorithm: "ring" });
    expect(a.timeS).toBeLessThan(ring.timeS);
  });
});
