/**
 * One test suite for both cost engines, plus the invariants of the flow engine: bytes conserved,
 * no link over capacity, symmetric collectives finish together, and flow = analytic where nothing
 * contends.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cloudmatrix384,
  gb200Nvl72,
  hgxH100,
  hgxH800,
  ibCluster,
} from "../topology/test-support/fixtures.ts";
import { collectiveTime, ENGINES } from "./collective-time.ts";
import type { CollectiveOp } from "./collective-types.ts";
import { fabricModel } from "./fabric-model.ts";
import { simulateSchedule } from "./flow-engine.ts";
import { resolveRequest } from "./resolve-request.ts";
import { scheduleBytes, scheduleOf } from "./schedules.ts";

const GB = 1e9;
const UB_WRITE = 196e9 * 0.699;

describe.each(Object.values(ENGINES))("$name engine", (engine) => {
  it("send/recv inside a CloudMatrix384 node: fixed cost + one-hop latency + bytes / achievable UB write bandwidth", () => {
    const r = engine.evaluate(cloudmatrix384, { op: "send-recv", bytes: 1e8, ranks: 16 });
    expect(r.timeS).toBeCloseTo(10e-6 + 1.3e-6 + 1e8 / UB_WRITE, 9);
    expect(r.bottleneck).toBe("scale-up-access");
  });

  it("send/recv across CloudMatrix384 nodes adds two switch hops (0.7 µs) and loses no bandwidth (non-blocking)", () => {
    const intra = engine.evaluate(cloudmatrix384, { op: "send-recv", bytes: 1e8, ranks: 16 });
    const inter = engine.evaluate(cloudmatrix384, { op: "send-recv", bytes: 1e8, ranks: 768 });
    expect(inter.timeS - intra.timeS).toBeCloseTo(0.7e-6, 9);
  });

  it("ring all-reduce on 8× H100 reaches the NCCL ring bus bandwidth (450 GB/s × 0.822)", () => {
    const r = engine.evaluate(hgxH100, { op: "all-reduce", bytes: 2 ** 32, ranks: 8, algorithm: "ring" });
    expect(r.busBandwidthBytesPerS / GB).toBeGreaterThan(360);
    expect(r.busBandwidthBytesPerS / GB).toBeLessThan(370);
  });

  it("in-switch reduction beats the ring on NVLink, tree costs more than ring for large messages", () => {
    const ring = engine.evaluate(hgxH100, { op: "all-reduce", bytes: 2 ** 30, ranks: 8, algorithm: "ring" });
    const nvls = engine.evaluate(hgxH100, {
      op: "all-reduce",
      bytes: 2 ** 30,
      ranks: 8,
      algorithm: "in-switch",
    });
    const tree = engine.evaluate(hgxH100, { op: "all-reduce", bytes: 2 ** 30, ranks: 8, algorithm: "tree" });
    expect(nvls.timeS).toBeLessThan(ring.timeS);
    expect(tree.timeS).toBeGreaterThan(ring.timeS);
  });

  it("H800's NVLink (200 GB/s) makes the same all-gather 2.25× slower than H100's (450 GB/s)", () => {
    const a = engine.evaluate(hgxH100, { op: "all-gather", bytes: 2 ** 32, ranks: 8 });
    const b = engine.evaluate(hgxH800, { op: "all-gather", bytes: 2 ** 32, ranks: 8 });
    expect(b.transferS / a.transferS).toBeCloseTo(2.25, 6);
  });

  it("oversubscription of the fat tree slows cross-server all-to-all by its factor", () => {
    const full = engine.evaluate(ibCluster(hgxH100, 8, 1), { op: "all-to-all", bytes: 2 ** 30, ranks: 64 });
    const half = engine.evaluate(ibCluster(hgxH100, 8, 2), { op: "all-to-all", bytes: 2 ** 30, ranks: 64 });
    expect(full.bottleneck).toBe("scale-out-access");
    expect(half.bottleneck).toBe("scale-out-core");
    expect(half.transferS).toBeGreaterThan(1.7 * full.transferS);
  });

  it("hierarchical all-reduce across servers stays on the rails (no leaf uplinks), as fast in both engines", () => {
    const cluster = ibCluster(hgxH100, 4, 2);
    const req = { op: "all-reduce", bytes: 2 ** 30, ranks: 32, algorithm: "hierarchical" } as const;
    const hier = engine.evaluate(cluster, req);
    expect(hier.bottleneck).not.toBe("scale-out-core");
    expect(hier.loadedLinks.every((l) => l.tier !== "scale-out-core")).toBe(true);
    const other = Object.values(ENGINES)
      .find((e) => e.name !== engine.name)
      ?.evaluate(cluster, req);
    expect(Math.abs((other?.timeS ?? 0) - hier.timeS) / hier.timeS).toBeLessThan(1e-6);
  });

  it("reports the bottleneck tier and loaded links", () => {
    const r = engine.evaluate(gb200Nvl72, { op: "all-to-all", bytes: 2 ** 28, ranks: 72 });
    expect(r.bottleneck).toBe("scale-up-access");
    expect(r.loadedLinks.length).toBeGreaterThan(0);
    expect(r.loadedLinks[0]?.utilization).toBeCloseTo(1, 6);
  });

  it("rejects impossible requests with a SupernodeError naming the field", () => {
    expect(() => engine.evaluate(hgxH100, { op: "all-reduce", bytes: 1, ranks: 9 })).toThrow(/ranks must be/);
    expect(() =>
      engine.evaluate(cloudmatrix384, { op: "all-reduce", bytes: 1, ranks: 8, algorithm: "in-switch" }),
    ).toThrow(/in-switch reduction needs/);
    expect(() =>
      engine.evaluate(hgxH100, { op: "all-gather", bytes: 1, ranks: 8, algorithm: "tree" }),
    ).toThrow(/supports the algorithms/);
  });
});

describe("flow engine invariants", () => {
  const cases: ReadonlyArray<[string, Parameters<typeof collectiveTime>[0], CollectiveOp, number]> = [
    ["cm384 all-to-all 64", cloudmatrix384, "all-to-all", 64],
    ["nvl72 all-to-all", gb200Nvl72, "all-to-all", 72],
    ["8×h100 o=2 all-to-all", ibCluster(hgxH100, 4, 2), "all-to-all", 32],
    ["cm384 ring all-reduce 32", cloudmatrix384, "all-reduce", 32],
  ];
  it.each(cases)("%s: bytes conserved and no link over capacity", (_, target, op, n) => {
    const model = fabricModel(target);
    const resolved = resolveRequest(model, {
      op,
      bytes: 1e9,
      ranks: n,
      algorithm: op === "all-reduce" ? "ring" : undefined,
    });
    const schedule = scheduleOf(model, resolved);
    const out = simulateSchedule(model, resolved);
    let delivered = 0;
    out.phases.forEach((p, i) => {
      for (const b of p.deliveredBytes) delivered += b * (schedule.phases[i]?.repeat ?? 1);
      for (let l = 0; l < p.initialLoad.length; l++)
        expect(p.initialLoad[l] ?? 0).toBeLessThanOrEqual((p.capacity[l] ?? 0) * (1 + 1e-9));
    });
    expect(delivered).toBeCloseTo(scheduleBytes(schedule), -1);
    if (op === "all-to-all") expect(scheduleBytes(schedule)).toBeCloseTo(1e9 * (n - 1), -1);
  });

  it("schedules move the bytes their op implies", () => {
    const S = 1e9;
    for (const [target, n] of [
      [cloudmatrix384, 64],
      [ibCluster(hgxH100, 4), 32],
      [gb200Nvl72, 72],
    ] as const) {
      const model = fabricModel(target);
      const moved = (op: CollectiveOp, algorithm?: "ring" | "tree" | "hierarchical") =>
        scheduleBytes(scheduleOf(model, resolveRequest(model, { op, bytes: S, ranks: n, algorithm })));
      expect(moved("all-reduce", "ring")).toBeCloseTo(2 * (n - 1) * S, -3);
      if (n > model.ranksPerSystem && model.inSwitchReduction) {
        // NVLSTree: every rank moves S(1 + 1/g) to and from the switches (inflated by the NVLS
        // fraction), and the m domains exchange 2(m − 1)·S over the NICs (two trees, up and down)
        const g = model.ranksPerSystem;
        const m = n / g;
        const nvls = 2 * n * S * (1 + 1 / g) * model.inSwitchInflation;
        expect(moved("all-reduce", "tree")).toBeCloseTo(nvls + 2 * (m - 1) * S, -3);
      } else expect(moved("all-reduce", "tree")).toBeCloseTo(2 * (n - 1) * S, -3);
      expect(moved("all-gather")).toBeCloseTo((n - 1) * S, -3);
      expect(moved("reduce-scatter")).toBeCloseTo((n - 1) * S, -3);
      expect(moved("broadcast")).toBeCloseTo((n - 1) * S, -3);
      expect(moved("all-to-all")).toBeCloseTo((n - 1) * S, -3);
      expect(moved("send-recv")).toBeCloseTo(S, -3);
    }
  });

  it("symmetric all-to-all on symmetric fabrics: every transfer finishes together", () => {
    for (const [target, n] of [
      [gb200Nvl72, 72],
      [cloudmatrix384, 96],
    ] as const) {
      const model = fabricModel(target);
      const out = simulateSchedule(model, resolveRequest(model, { op: "all-to-all", bytes: 1e9, ranks: n }));
      const finish = out.phases[0]?.finishS ?? new Float64Array();
      const schedule = scheduleOf(model, resolveRequest(model, { op: "all-to-all", bytes: 1e9, ranks: n }));
      // die-to-die transfers (the package sibling) have their own, faster link
      const topo = model.topology();
      const sibling = (i: number) => {
        const s = schedule.phases[0];
        return (
          s !== undefined &&
          Math.abs((s.src[i] ?? 0) - (s.dst[i] ?? 0)) === 1 &&
          topo.nodeName[s.src[i] ?? 0]?.includes("die")
        );
      };
      const times = Array.from(finish).filter((_, i) => !(target === cloudmatrix384 && sibling(i)));
      const max = Math.max(...times);
      const min = Math.min(...times);
      expect((max - min) / max).toBeLessThan(1e-9);
    }
  });

  it("equals the analytical engine where there is no contention (property)", () => {
    const systems = [cloudmatrix384, gb200Nvl72, hgxH100] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2),
        fc.constantFrom<CollectiveOp>(
          "all-to-all",
          "all-gather",
          "reduce-scatter",
          "all-reduce",
          "send-recv",
          "broadcast",
        ),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 1e3, max: 1e10, noNaN: true }),
        fc.constantFrom("ring" as const, "tree" as const),
        (si, op, k, bytes, allReduce) => {
          const system = systems[si] ?? hgxH100;
          const model = fabricModel(system);
          const n = Math.min(model.totalRanks, k * model.ranksPerServer);
          const req = { op, bytes, ranks: n, algorithm: op === "all-reduce" ? allReduce : undefined };
          const a = collectiveTime(system, { ...req, engine: "analytic" });
          const f = collectiveTime(system, { ...req, engine: "flow" });
          expect(Math.abs(f.timeS - a.timeS) / a.timeS).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
