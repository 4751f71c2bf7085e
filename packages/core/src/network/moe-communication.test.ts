import { describe, expect, it } from "vitest";
import { cloudmatrix384, hgxH800, ibCluster } from "../topology/test-support/fixtures.ts";
import { collectiveTime } from "./collective-time.ts";
import { moeCombineTime, moeDispatchTime } from "./moe-communication.ts";
import { moeTrafficMatrix } from "./moe-traffic-matrix.ts";

const base = { tokensPerRank: 128, topK: 8 } as const;

describe("moeDispatchTime / moeCombineTime", () => {
  it("on CloudMatrix384 grows with EP as traffic leaves the node (latency per transfer, 16 in flight)", () => {
    const t = [8, 32, 256].map(
      (ranks) => moeDispatchTime({ system: cloudmatrix384, ranks, ...base, bytesPerToken: 7680 }).timeS,
    );
    expect(t[0]).toBeLessThan(t[1] ?? 0);
    expect(t[1]).toBeLessThan(t[2] ?? 0);
    const r = moeDispatchTime({ system: cloudmatrix384, ranks: 256, ...base, bytesPerToken: 7680 });
    expect(r.bottleneck).toBe("rank-injection");
    expect(r.library).toBe("cann-ep");
    expect(r.bytesPerRank).toBeCloseTo((1024 * 7680 * 255) / 256, 6);
    // 10 µs fixed + 2.0 µs latency + Little's law: 16 × 7680 B per (2.0 µs + 7680 B / 137 GB/s)
    expect(r.timeS * 1e6).toBeGreaterThan(130);
    expect(r.timeS * 1e6).toBeLessThan(150);
  });

  it("inside a CloudMatrix384 node the per-copy work, not the link round trip, sets the rate (dispatch ≈ combine)", () => {
    const d = moeDispatchTime({ system: cloudmatrix384, ranks: 8, ...base, bytesPerToken: 7680 });
    const c = moeCombineTime({ system: cloudmatrix384, ranks: 8, ...base, bytesPerToken: 14336 });
    // 1024 × 7/8 remote copies at 117 ns each (moe-kernels.yaml), whatever their size
    expect(d.rateCapBytesPerS).toBeCloseTo(7680 / 1.169e-7, -6);
    expect(c.rateCapBytesPerS).toBeCloseTo(14336 / 1.169e-7, -6);
    expect(d.transferS * 1e6).toBeCloseTo(896 * 0.1169, 1);
    expect(c.timeS).toBeCloseTo(d.timeS, 9);
    // across nodes the round trip (2.0 µs / 16 in flight = 125 ns) is the slower of the two
    const far = moeDispatchTime({ system: cloudmatrix384, ranks: 256, ...base, bytesPerToken: 7680 });
    expect(far.rateCapBytesPerS ?? 0).toBeLessThan(7680 / 1.169e-7);
  });

  it("CANN's MC2 operators as DeepEP-Ascend times them: a call is mostly fixed cost at decode batches", () => {
    const at = (library: "cann-ep" | "cann-mc2", tokensPerRank: number) =>
      moeDispatchTime({
        system: cloudmatrix384,
        ranks: 16,
        tokensPerRank,
        topK: 8,
        bytesPerToken: 7680,
        library,
      });
    // DeepEP-Ascend's EP16 dispatch: 80 µs at 32 tokens, 139 µs at 128 (the calibration points)
    expect(at("cann-mc2", 32).timeS * 1e6).toBeGreaterThan(72);
    expect(at("cann-mc2", 32).timeS * 1e6).toBeLessThan(84);
    expect(at("cann-mc2", 128).timeS * 1e6).toBeGreaterThan(132);
    expect(at("cann-mc2", 128).timeS * 1e6).toBeLessThan(150);
    // at four tokens per rank the 50.9 µs fixed cost is most of the call; CloudMatrix-Infer's
    // cann-ep keeps msmodeling's 10 µs
    const few = at("cann-mc2", 4);
    expect(few.fixedS * 1e6).toBeCloseTo(50.9, 6);
    expect(few.fixedS / few.timeS).toBeGreaterThan(0.8);
    expect(few.timeS - at("cann-ep", 4).timeS).toBeGreaterThan(35e-6);
  });

  it("on H800 over InfiniBand (pure RDMA) is NIC-bound; combine moves twice the bytes", () => {
    const sys = ibCluster(hgxH800, 8);
    const d = moeDispatchTime({
      system: sys,
      ranks: 64,
      ...base,
      bytesPerToken: 7168,
      transport: "scale-out",
    });
    const c = moeCombineTime({
      system: sys,
      ranks: 64,
      ...base,
      bytesPerToken: 14336,
      transport: "scale-out",
    });
    expect(d.bottleneck).toBe("scale-out-access");
    expect(c.transferS / d.transferS).toBeCloseTo(2, 6);
    // low-latency kernels: per-token RDMA writes at DeepEP's calibrated NIC fraction
    expect(d.transferS).toBeCloseTo((1024 * 7168 * 63) / 64 / (50e9 * 0.8144), 9);
  });

  it("DeepEP low-latency kernels pay a per-call cost on NVLink, concurrent with their RDMA part", () => {
    const one = { topK: 8, bytesPerToken: 7408 };
    // inside one H800 server: the per-call cost (36.3 µs, protocols.yaml) however few the tokens
    const small = moeDispatchTime({ system: hgxH800, ranks: 8, tokensPerRank: 2, ...one });
    const big = moeDispatchTime({ system: hgxH800, ranks: 8, tokensPerRank: 128, ...one });
    expect(small.transferS * 1e6).toBeGreaterThan(36.3);
    expect(small.transferS * 1e6).toBeLessThan(38);
    expect(big.transferS - small.transferS).toBeGreaterThan(30e-6);
    // pure RDMA and the normal kernels do not pay it
    const rdma = moeDispatchTime({
      system: hgxH800,
      ranks: 8,
      tokensPerRank: 2,
      ...one,
      transport: "scale-out",
    });
    expect(rdma.transferS * 1e6).toBeLessThan(5);
    const normal = moeDispatchTime({
      system: hgxH800,
      ranks: 8,
      tokensPerRank: 2,
      ...one,
      kernels: "normal",
    });
    expect(normal.transferS * 1e6).toBeLessThan(5);
    // across two servers at 128 tokens the RDMA half takes longer than NVLink + the per-call cost
    const sys = ibCluster(hgxH800, 2);
    const mixed = moeDispatchTime({ system: sys, ranks: 16, tokensPerRank: 128, ...one });
    expect(mixed.bottleneck).toBe("scale-out-access");
    expect(mixed.transferS).toBeCloseTo((1024 * 7408 * 8) / 16 / (50e9 * 0.8144), 9);
  });

  it("expert-load imbalance slows the hottest rank's links", () => {
    const even = moeCombineTime({ system: cloudmatrix384, ranks: 64, ...base, bytesPerToken: 14336 });
    const hot = moeCombineTime({
      system: cloudmatrix384,
      ranks: 64,
      ...base,
      bytesPerToken: 14336,
      imbalance: 3,
    });
    expect(hot.timeS).toBeGreaterThan(2 * even.transferS);
    expect(hot.hottestRankBytes).toBeCloseTo(3 * even.bytesPerRank, 3);
  });

  it("normal kernels across nodes: the RDMA leg carries the hottest node's imbalance, the NVLink fan-out the rank's", () => {
    const sys = ibCluster(hgxH800, 4);
    const req = {
      system: sys,
      ranks: 32,
      tokensPerRank: 4096,
      topK: 8,
      bytesPerToken: 7168,
      kernels: "normal",
      routing: { experts: 384, groups: 1, topKGroups: 1 },
    } as const;
    const even = moeDispatchTime(req);
    const rankOnly = moeDispatchTime({ ...req, imbalance: 2.76 });
    const split = moeDispatchTime({ ...req, imbalance: 2.76, railImbalance: 1.07 });
    expect(even.bottleneck).toMatch(/^scale-out/);
    // rail-forwarded: the node's NICs share its tokens whichever GPU holds the hot expert
    expect(split.transferS).toBeLessThan(rankOnly.transferS * 0.8);
    expect(split.transferS).toBeGreaterThanOrEqual(even.transferS * 1.07 - 1e-12);
    // without rail forwarding (low-latency kernels send every copy to its rank) it has no effect
    const ll = { ...req, kernels: "low-latency" } as const;
    expect(moeDispatchTime({ ...ll, imbalance: 2.76, railImbalance: 1.07 }).timeS).toBe(
      moeDispatchTime({ ...ll, imbalance: 2.76 }).timeS,
    );
  });

  it("rejects bad input naming the field", () => {
    expect(() => moeDispatchTime({ system: cloudmatrix384, ranks: 1000, ...base, bytesPerToken: 1 })).toThrow(
      /ranks/,
    );
    expect(() =>
      moeDispatchTime({ system: cloudmatrix384, ranks: 8, ...base, bytesPerToken: 1, imbalance: 0.5 }),
    ).toThrow(/imbalance/);
    for (const railImbalance of [Number.NaN, 0.5])
      expect(() =>
        moeDispatchTime({
          system: cloudmatrix384,
          ranks: 8,
          ...base,
          bytesPerToken: 1,
          imbalance: 2,
          railImbalance,
        }),
      ).toThrow(/railImbalance is hottest ÷ mean load and must be ≥ 1/);
  });
});

describe("moeTrafficMatrix", () => {
  it("conserves each rank's token copies and puts the hot column on the last rank; combine is the transpose", () => {
    const n = 16;
    const req = { ranks: n, ...base, bytesPerToken: 100, imbalance: 4 };
    const d = moeTrafficMatrix(req, "dispatch");
    const c = moeTrafficMatrix(req, "combine");
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) {
        row += d[i * n + j] ?? 0;
        expect(c[j * n + i]).toBe(d[i * n + j]);
      }
      expect(row).toBeCloseTo(1024 * 100, 6);
    }
    expect((d[n - 1] ?? 0) / (d[0] ?? 1)).toBeGreaterThan(4);
  });

  it("through the flow engine, the hot destination's links are the most loaded", () => {
    const matrix = moeTrafficMatrix({ ranks: 32, ...base, bytesPerToken: 7680, imbalance: 4 }, "dispatch");
    const r = collectiveTime(cloudmatrix384, {
      op: "all-to-all-v",
      bytes: 1024 * 7680,
      ranks: 32,
      matrix,
      engine: "flow",
    });
    expect(r.loadedLinks[0]?.label).toMatch(/n1\.chip7\.die1/);
  });
});
