/**
 * The all-reduce algorithms as NCCL runs them: per-generation NVLink and NVLS fractions (NCCL's
 * own constants), NVLSTree / Tree across nodes (two nodes exchange once, more nodes pass through
 * a double binary tree), the tuner's choice of the fastest algorithm, and zero-byte calls.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { builtinFabricParams, technologyFor } from "../topology/fabric-params.ts";
import { gb200Nvl72, hgxH100, ibCluster } from "../topology/test-support/fixtures.ts";
import { analyticCollective, bestAllReduce } from "./analytic-engine.ts";
import { collectiveTime } from "./collective-time.ts";
import type { Algorithm } from "./collective-types.ts";
import { fabricModel } from "./fabric-model.ts";
import { nvlsTreePipelineFactor } from "./nvls-limits.ts";

const GB = 1e9;
const dgxB200 = builtinCatalog().system("dgx-b200");
const busbw = (target: Parameters<typeof collectiveTime>[0], ranks: number, algorithm?: Algorithm) =>
  collectiveTime(target, { op: "all-reduce", bytes: 2 ** 33, ranks, algorithm }).busBandwidthBytesPerS / GB;

describe("NCCL all-reduce algorithms", () => {
  it("takes NVLink-5 fractions from NCCL's constants, NVLink 4 keeps the measured ones", () => {
    const p = builtinFabricParams();
    expect(technologyFor(p, "NVLink 5")?.writeFraction.value).toBeCloseTo(40.1 / 50, 3);
    expect(technologyFor(p, "NVLink 4 / NVSwitch 3")?.writeFraction.value).toBe(0.822);
    // NVLS: the H100 fraction scaled by NCCL's Blackwell/Hopper ratio of nvlsEfficiency × link bandwidth
    const ratio = (0.74 * 40.1) / 50 / ((0.85 * 20.6) / 25);
    expect(technologyFor(p, "NVLink 5")?.inSwitchFraction?.value).toBeCloseTo(0.687 * ratio, 3);
    // ring Simple at 72 ranks: 142 steps of 3.4 us (NCCL's per-step latency, nccl-protocols.yaml) cost ~3 % at 8 GiB
    const ring = collectiveTime(gb200Nvl72, {
      op: "all-reduce",
      bytes: 2 ** 33,
      ranks: 72,
      algorithm: "ring",
    });
    expect(ring.protocol).toBe("simple");
    expect((2 ** 33 * 2 * (71 / 72)) / ring.transferS / GB).toBeCloseTo(900 * 0.802, 0);
    expect(busbw(gb200Nvl72, 72, "ring") / (900 * 0.802)).toBeGreaterThan(0.96);
  });

  it("a zero-byte all-reduce costs nothing (NCCL returns at once), in both engines", () => {
    for (const engine of ["analytic", "flow"] as const)
      for (const algorithm of [undefined, "ring", "tree", "in-switch"] as const) {
        const r = collectiveTime(hgxH100, { op: "all-reduce", bytes: 0, ranks: 8, algorithm, engine });
        expect(r.timeS).toBe(0);
        expect(r.fixedS).toBe(0);
      }
  });

  it("across two nodes the tree halves what each NIC carries, so B200 beats H100 (no longer identical)", () => {
    const h100 = busbw(ibCluster(hgxH100, 2), 16);
    const b200 = busbw(ibCluster(dgxB200, 2), 16);
    expect(
      analyticCollective(fabricModel(ibCluster(dgxB200, 2)), { op: "all-reduce", bytes: 2 ** 33, ranks: 16 })
        .algorithm,
    ).toBe("tree");
    // B200: NIC-bound, S/8 per NIC each way: busbw = 8 NICs × 48.5 GB/s × 2(n−1)/n, less NVLSTree's
    // pipeline fill (4 loops of 32 channels × 8 heads × 128 KiB)
    expect(b200).toBeCloseTo(
      (8 * 50 * 0.97 * (30 / 16)) / nvlsTreePipelineFactor(2 ** 33, 2, 8, "NVLink 5"),
      -1,
    );
    // H100: the NVLS step inside the node (S(1 + 1/8) at 0.687 of 450 GB/s: 515 GB/s busbw) would be
    // slower than the NICs, and NCCL's tuner caps Hopper NVLSTree on two nodes at 57.7 GB/s per
    // channel, 8 heads: 461.6 GB/s busbw (tuning.cc perChMaxNVLSTreeBws)
    expect(h100).toBeCloseTo(8 * 57.7, -1);
    expect(h100).toBeLessThan(((450 * 0.687) / (9 / 8)) * (30 / 16));
    expect(b200).toBeGreaterThan(1.3 * h100);
  });

  it("from three nodes on, the tree's NIC traffic doubles and the ring wins (as NCCL's tuner finds)", () => {
    for (const system of [hgxH100, dgxB200]) {
      const model = fabricModel(ibCluster(system, 4));
      expect(bestAllReduce(model, { op: "all-reduce", bytes: 2 ** 33, ranks: 32 })).toBe("ring");
      const tree = busbw(ibCluster(system, 4), 32, "tree");
      // two children per inner node: half the NICs' rate; on Hopper NCCL's tuner caps NVLSTree
      // beyond two nodes at 45.5 GB/s per channel (8 heads: 364 GB/s), just below
      const nicBound = 8 * 50 * 0.97 * 0.5 * (62 / 32);
      expect(tree).toBeCloseTo(system === hgxH100 ? Math.min(nicBound, 8 * 45.5) : nicBound, -1);
    }
  });

  it("the default algorithm is the fastest the fabric offers (property)", () => {
    const targets = [hgxH100, gb200Nvl72, ibCluster(hgxH100, 2), ibCluster(dgxB200, 3)] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 3),
        fc.integer({ min: 2, max: 24 }),
        fc.double({ min: 1, max: 1e10, noNaN: true }),
        (ti, k, bytes) => {
          const target = targets[ti] ?? hgxH100;
          const model = fabricModel(target);
          const ranks =
            model.totalRanks > model.ranksPerSystem ? model.totalRanks : Math.min(k, model.totalRanks);
          const chosen = analyticCollective(model, { op: "all-reduce", bytes, ranks });
          for (const algorithm of ["ring", "tree"] as const)
            expect(chosen.timeS).toBeLessThanOrEqual(
              analyticCollective(model, { op: "all-reduce", bytes, ranks, algorithm }).timeS * (1 + 1e-12),
            );
        },
      ),
      { numRuns: 40, seed: 3 },
    );
  });
});

describe("tensor-parallel all-reduce inside a serving engine", () => {
  it("runs ring or tree when NVLS is not used, slower than in-switch at decode sizes", () => {
    const model = fabricModel(hgxH100);
    const request = { op: "all-reduce" as const, bytes: 12e6, ranks: 8 };
    expect(bestAllReduce(model, request)).toBe("in-switch");
    const engine = { ...request, inSwitch: false };
    expect(["ring", "tree"]).toContain(bestAllReduce(model, engine));
    expect(collectiveTime(hgxH100, engine).timeS).toBeGreaterThan(collectiveTime(hgxH100, request).timeS);
  });
});
