/**
 * NCCL's per-channel cap on a one-node ring's LL128 bus bandwidth: the ring graph's channels from
 * its search, the per-channel constant by generation and NCCL release, and what it changes in the
 * protocol NCCL's tuner picks.
 */
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { collectiveTime } from "./collective-time.ts";
import { ncclRingChannelsOneNode, ringLl128BusCap } from "./nccl-ll128-cap.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { ncclProtocolTime } from "./nccl-protocols.ts";

const GB = 1e9;
const MiB = 2 ** 20;

describe("NCCL's ring LL128 cap", () => {
  it("counts the ring graph's channels as NCCL's search and channel doubling do", () => {
    const p = builtinNcclProtocols();
    const speeds = (tech: string) =>
      p.nvlsGather.intraChannelSpeeds.find((e) => e.match.test(tech))?.bytesPerS ?? [];
    // B200: 18 × 40.1 GB/s holds 8 channels of 90 GB/s, doubled (90 ≥ 50): 16
    expect(ncclRingChannelsOneNode(speeds("NVLink 5"), 721.8 * GB, 32)).toBe(16);
    // H100: 18 × 20.6 GB/s holds 6 channels of 60 GB/s, doubled: 12
    expect(ncclRingChannelsOneNode(speeds("NVLink 4"), 370.8 * GB, 32)).toBe(12);
    // below 50 GB/s a channel is doubled only when there are at most 4
    expect(ncclRingChannelsOneNode([40 * GB], 200 * GB, 32)).toBe(5);
    expect(ncclRingChannelsOneNode([40 * GB], 160 * GB, 32)).toBe(8);
    expect(ncclRingChannelsOneNode([20 * GB], 80 * GB, 32)).toBe(4);
  });

  it("takes the per-channel constant of the run's NCCL release", () => {
    const p = builtinNcclProtocols();
    expect(ringLl128BusCap(p, 721.8 * GB, "NVLink 5", "2.27.3")).toBeCloseTo(16 * 73.4 * GB, -3);
    expect(ringLl128BusCap(p, 721.8 * GB, "NVLink 5", "2.28.9")).toBeCloseTo(16 * 73.4 * GB, -3);
    expect(ringLl128BusCap(p, 721.8 * GB, "NVLink 5", "2.29.2")).toBeCloseTo(16 * 34.5 * GB, -3);
    expect(ringLl128BusCap(p, 721.8 * GB, "NVLink 5", "2.29.7")).toBeCloseTo(16 * 40 * GB, -3);
    expect(ringLl128BusCap(p, 721.8 * GB, "NVLink 5")).toBeCloseTo(640 * GB, -3);
    expect(ringLl128BusCap(p, 370.8 * GB, "NVLink 4 / NVSwitch 3")).toBeCloseTo(12 * 36.7 * GB, -3);
    expect(ringLl128BusCap(p, 240 * GB, "NVLink 3")).toBeUndefined();
  });

  it("bounds LL128's transfer, so a ring nearer Simple's rate leaves LL128 for Simple", () => {
    const p = builtinNcclProtocols();
    // 8 ranks, all-gather, 32 MiB: 29.36 MB on the bus; Simple at 721.8 GB/s = 40.7 µs
    const bus = (32 * MiB * 7) / 8;
    const simpleS = bus / (721.8 * GB);
    const free = ncclProtocolTime(p, "ring", 8, simpleS, bus, "NVLink 5", "all-gather");
    expect(free?.protocol).toBe("ll128");
    expect(free?.transferS).toBeCloseTo(simpleS / 0.92, 12);
    const capped = ncclProtocolTime(p, "ring", 8, simpleS, bus, "NVLink 5", "all-gather", true, 640 * GB);
    // LL128: 27.3 − 6.6 µs + 29.36 MB / 640 GB/s = 66.6 µs against Simple's 32.2 − 6.6 + 40.7 = 66.3 µs
    expect(capped?.protocol).toBe("simple");
    expect(capped?.transferS).toBeCloseTo(simpleS, 12);
  });

  it("applies on one NVLink 5 node, not on Hopper, where the cap is above LL128's rate", () => {
    const catalog = builtinCatalog();
    const ag = (system: string, ncclVersion?: string) =>
      collectiveTime(catalog.system(system), {
        op: "all-gather",
        bytes: 16 * MiB,
        ranks: 8,
        algorithm: "ring",
        ...(ncclVersion !== undefined ? { ncclVersion } : {}),
      });
    // 8 × B200, 16 MiB: NCCL 2.28 runs LL128 at 0.92 × the ring; 2.29.2's 552 GB/s leaves it for Simple
    expect(ag("dgx-b200", "2.28.9").protocol).toBe("ll128");
    expect(ag("dgx-b200", "2.29.2").protocol).toBe("simple");
    expect(ag("dgx-b200", "2.29.2").timeS).toBeGreaterThan(ag("dgx-b200", "2.28.9").timeS);
    expect(ag("hgx-h100", "2.29.2").timeS).toBe(ag("hgx-h100", "2.28.9").timeS);
  });
});
