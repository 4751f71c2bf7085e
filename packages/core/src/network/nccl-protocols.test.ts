/**
 * NCCL's protocols inside one NVLink domain: LL for small messages, LL128 / Simple / NVLS as the
 * message grows, chosen as NCCL's tuner does (least modelled time), the same in both engines,
 * and nothing changed for other libraries or across nodes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { builtinDataText } from "../catalog/index.ts";
import { cloudmatrix384, gb200Nvl72, hgxH100 } from "../topology/test-support/fixtures.ts";
import { collectiveTime } from "./collective-time.ts";
import { builtinNcclProtocols, parseNcclProtocols } from "./nccl-protocol-file.ts";
import { ncclProtocolTime, nvlsPipelineFactor, stepLatencyExcessS } from "./nccl-protocols.ts";
import { nvlsHeads } from "./nvls-limits.ts";

const MiB = 2 ** 20;
const ar = (target: Parameters<typeof collectiveTime>[0], bytes: number, ranks: number) =>
  collectiveTime(target, { op: "all-reduce", bytes, ranks });

describe("NCCL protocols (LL / LL128 / Simple)", () => {
  it("loads NCCL's tuner constants", () => {
    const p = builtinNcclProtocols();
    expect(p.algorithms.ring?.ll?.stepLatencyS).toBeCloseTo(0.6e-6, 12);
    expect(p.algorithms.ring?.simple?.stepLatencyS).toBeCloseTo(3.4e-6, 12);
    expect(p.algorithms["in-switch"]?.simple?.stepLatencyS).toBeCloseTo(25e-6, 12);
    expect(p.algorithms["in-switch"]?.ll).toBeUndefined();
    expect(p.llMaxBusBandwidth.find((g) => g.match.test("NVLink 4 / NVSwitch 3"))?.bytesPerS).toBe(141e9);
    expect(p.llMaxBusBandwidth.find((g) => g.match.test("NVLink 5"))?.bytesPerS).toBe(282e9);
  });

  it("picks LL for small messages and Simple (ring or NVLS) for large ones", () => {
    expect(ar(hgxH100, 8, 8).protocol).toBe("ll");
    expect(ar(hgxH100, 64 * 1024, 4).protocol).toBe("ll");
    const big = ar(hgxH100, 2 ** 30, 8);
    expect(big.protocol).toBe("simple");
    expect(big.algorithm).toBe("in-switch");
  });

  it("LL is capped at the generation's bus-bandwidth ceiling and runs at half the Simple rate at most", () => {
    const p = builtinNcclProtocols();
    const t = ncclProtocolTime(p, "ring", 4, 100e-6, 37e6, "NVLink 4");
    // Simple: 8.4 + 6 x 3.4 - 6.6 = 22.2 us over the fixed cost, at the given transfer, plus
    // NVLink 4's measured 0.31 us per step beyond NCCL's constant (6 steps)
    expect(t?.protocol).toBe("simple");
    expect(t?.latencyS).toBeCloseTo(22.2e-6 + 6 * 0.31e-6, 9);
    const small = ncclProtocolTime(p, "ring", 4, 1e-7, 1e4, "NVLink 4");
    expect(small?.protocol).toBe("ll");
    expect(small?.transferS).toBeCloseTo(Math.max(2e-7, 1e4 / 141e9), 12);
  });

  it("a ring all-gather or reduce-scatter inside one domain pays the protocol latency of n − 1 steps", () => {
    const p = builtinNcclProtocols();
    // Simple over 4 ranks: 8.4 + 3 x 3.4 - 6.6 = 12.0 us (an all-reduce: 6 steps, 22.2 us), plus
    // 3 x 0.31 us measured beyond NCCL's per-step constant on NVLink 4
    const t = ncclProtocolTime(p, "ring", 4, 100e-6, 19e6, "NVLink 4", "reduce-scatter");
    expect(t?.protocol).toBe("simple");
    expect(t?.latencyS).toBeCloseTo(12.0e-6 + 3 * 0.31e-6, 9);
    for (const op of ["all-gather", "reduce-scatter"] as const) {
      const c = collectiveTime(hgxH100, { op, bytes: 4 * MiB, ranks: 8 });
      expect(c.protocol).toBeDefined();
      expect(c.latencyS).toBeGreaterThan(0);
    }
  });

  it("NCCL's constants choose the protocol; the chosen one's steps take the generation's measured latency", () => {
    const p = builtinNcclProtocols();
    expect(stepLatencyExcessS(p, "NVLink 5")).toBeCloseTo(0.86e-6, 12);
    expect(stepLatencyExcessS(p, "NVLink 4 / NVSwitch 3")).toBeCloseTo(0.31e-6, 12);
    expect(stepLatencyExcessS(p, "UB")).toBe(0);
    // 8 ranks, small message: LL either way (the choice is NCCL's), 14 steps x 0.86 us more on NVLink 5
    const nccl = ncclProtocolTime(p, "ring", 8, 1e-7, 1e4, "NVLink 5");
    const engine = ncclProtocolTime(p, "ring", 8, 1e-7, 1e4, "NVLink 5", "all-reduce", false);
    expect(nccl?.protocol).toBe("ll");
    expect(engine?.protocol).toBe("ll");
    expect((nccl?.latencyS ?? 0) - (engine?.latencyS ?? 0)).toBeCloseTo(14 * 0.86e-6, 12);
    // NVLS keeps its one latency
    const nvls = ncclProtocolTime(p, "in-switch", 8, 1e-5, 1e7, "NVLink 5");
    expect(nvls?.latencyS).toBeCloseTo(25e-6 - 6.6e-6, 12);
    // a serving engine's own all-reduce kernel: no ring-step excess in the collective either
    const b200 = builtinCatalog().system("dgx-b200");
    const ringAr = collectiveTime(b200, { op: "all-reduce", bytes: 65536, ranks: 8, inSwitch: false });
    const engineAr = collectiveTime(b200, {
      op: "all-reduce",
      bytes: 65536,
      ranks: 8,
      inSwitch: false,
      engineKernel: true,
    });
    expect(ringAr.timeS - engineAr.timeS).toBeCloseTo(14 * 0.86e-6, 10);
  });

  it("mid-size messages pay the protocol latency: bus bandwidth ramps up with size", () => {
    const bus = (bytes: number) => ar(hgxH100, bytes, 4).busBandwidthBytesPerS;
    expect(bus(16 * MiB)).toBeLessThan(0.8 * bus(2 ** 33));
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 32 }), fc.constantFrom(2, 4, 8), (log2, n) => {
        const a = ar(hgxH100, 2 ** log2, n);
        const b = ar(hgxH100, 2 ** (log2 + 1), n);
        return b.timeS >= a.timeS && b.busBandwidthBytesPerS >= a.busBandwidthBytesPerS * 0.999;
      }),
    );
  });

  it("both engines time the protocol alike; other libraries and scale-out collectives are unchanged", () => {
    for (const bytes of [8, MiB, 64 * MiB]) {
      const a = collectiveTime(hgxH100, { op: "all-reduce", bytes, ranks: 8, algorithm: "ring" });
      const f = collectiveTime(hgxH100, {
        op: "all-reduce",
        bytes,
        ranks: 8,
        algorithm: "ring",
        engine: "flow",
      });
      expect(f.protocol).toBe(a.protocol);
      expect(f.timeS).toBeCloseTo(a.timeS, 9);
    }
    expect(ar(cloudmatrix384, 16 * MiB, 16).protocol).toBeUndefined();
    expect(
      ar(builtinCatalog().cluster({ system: "hgx-h100", count: 2 }), 16 * MiB, 16).protocol,
    ).toBeUndefined();
    expect(
      collectiveTime(builtinCatalog().cluster({ system: "hgx-h100", count: 2 }), {
        op: "all-gather",
        bytes: 16 * MiB,
        ranks: 16,
      }).protocol,
    ).toBeUndefined();
    expect(ar(gb200Nvl72, 2 ** 33, 72).protocol).toBe("simple");
    expect(ar(builtinCatalog().system("hgx-h100"), MiB, 4).library).toBe("nccl");
  });

  it("NVLS pays its scatter/reduce/gather pipeline: two loops of channels x ranks x chunk beyond the bytes", () => {
    const nvls = builtinNcclProtocols().nvlsPipeline;
    // 72 GB200 ranks, 512 MiB: 32 heads (NCCL_MAX_NVLS_ARITY), 24 channels x 32 = 768 ops; NCCL's
    // chunk shrinks to 64 KiB
    expect(nvlsHeads(72)).toBe(32);
    expect(nvlsHeads(8)).toBe(8);
    expect(nvlsPipelineFactor(nvls, 2 ** 29, nvlsHeads(72), "NVLink 5")).toBeCloseTo(
      1 + (2 * 768 * 65536) / 2 ** 29,
      9,
    );
    // 8 H100 ranks, 8 GiB: 16 channels x 8 heads x 128 KiB = 16 MiB per loop
    expect(nvlsPipelineFactor(nvls, 2 ** 33, 8, "NVLink 4 / NVSwitch 3")).toBeCloseTo(
      1 + 2 ** 25 / 2 ** 33,
      9,
    );
    // a loop never counts more than the message; no NVLS channels known (NVLink 3): no factor
    expect(nvlsPipelineFactor(nvls, 1024, 8, "NVLink 4")).toBe(3);
    expect(nvlsPipelineFactor(nvls, 2 ** 30, 8, "NVLink 3 / NVSwitch 2")).toBe(1);
    // the factor falls with the message (fewer loops' worth of fill per byte)
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 33 }), fc.constantFrom(2, 8, 72), (log2, n) => {
        const a = nvlsPipelineFactor(nvls, 2 ** log2, n, "NVLink 5");
        return a >= 1 && nvlsPipelineFactor(nvls, 2 ** (log2 + 1), n, "NVLink 5") <= a + 1e-12;
      }),
    );
    // both engines apply it; ring is not affected
    const inSwitch = (engine: "analytic" | "flow") =>
      collectiveTime(hgxH100, {
        op: "all-reduce",
        bytes: 256 * MiB,
        ranks: 8,
        algorithm: "in-switch",
        engine,
      });
    expect(inSwitch("flow").timeS).toBeCloseTo(inSwitch("analytic").timeS, 9);
    const big = ar(gb200Nvl72, 2 ** 33, 72);
    const mid = ar(gb200Nvl72, 2 ** 29, 72);
    expect(mid.algorithm).toBe("in-switch");
    expect(mid.busBandwidthBytesPerS).toBeLessThan(0.9 * big.busBandwidthBytesPerS);
  });
});

describe("NCCL protocol data: versioned NVLS channels", () => {
  it("a channel entry's ncclBefore must be a major.minor.patch version, named at its line", () => {
    const text = builtinDataText("fabric/nccl-protocols.yaml");
    expect(text).toContain('ncclBefore: "2.27.3"');
    const bad = text.replace('ncclBefore: "2.27.3"', 'ncclBefore: "2.27"');
    const line = bad.split("\n").findIndex((l) => l.includes('ncclBefore: "2.27"')) + 1;
    expect(() => parseNcclProtocols(bad, "nccl-protocols.yaml")).toThrow(
      new RegExp(`nccl-protocols\\.yaml:${line}:.*ncclBefore.*major\\.minor\\.patch`),
    );
  });
});
