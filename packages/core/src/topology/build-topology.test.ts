import { describe, expect, it } from "vitest";
import { buildTopology } from "./build-topology.ts";
import { linkTierOf } from "./graph.ts";
import { PathSet, Router } from "./routing.ts";
import { cloudmatrix384, gb200Nvl72, hgxH100, ibCluster } from "./test-support/fixtures.ts";

describe("buildTopology", () => {
  it("builds CloudMatrix384 from its specification: 768 dies, 7 planes, 336 L1 and 112 L2 switches", () => {
    const t = buildTopology(cloudmatrix384);
    expect(t.rankNode.length).toBe(768);
    const names = t.nodeName;
    expect(names.filter((n) => n.startsWith("ub-l1")).length).toBe(48 * 7);
    expect(names.filter((n) => n.startsWith("ub-l2")).length).toBe(112);
    expect(t.nodeKind.filter((k) => k === "cpu").length).toBe(192);
    // each die: 7 UB links of 28 GB/s, one die-to-die link, one RDMA NIC at 200 Gbps
    const die = t.rankNode[0] ?? 0;
    const out: Record<string, number> = {};
    for (let k = t.outOffset[die] ?? 0; k < (t.outOffset[die + 1] ?? 0); k++) {
      const l = t.outLinks[k] ?? 0;
      const tier = linkTierOf(t, l);
      out[tier] = (out[tier] ?? 0) + (t.linkCapacity[l] ?? 0);
    }
    expect(out["scale-up-access"]).toBeCloseTo(196e9, -6);
    expect(out["die-to-die"]).toBe(270e9);
    expect(out["scale-out-access"]).toBe(25e9);
    // L1 uplink capacity equals its die-side capacity (non-blocking)
    let core = 0;
    for (let l = 0; l < t.linkCount; l++)
      if (linkTierOf(t, l) === "scale-up-core") core += t.linkCapacity[l] ?? 0;
    expect(core / 2).toBeCloseTo(112 * 48 * 28e9, -9);
  });

  it("routes inter-node die traffic over all 7 planes through L1-L2-L1", () => {
    const t = buildTopology(cloudmatrix384);
    const r = new Router(t);
    const ps = new PathSet();
    expect(r.routeInto(t.rankNode[0] ?? 0, t.rankNode[700] ?? 0, "scale-up", 0, ps)).toBe(true);
    expect(ps.count).toBe(7);
    expect(Array.from(ps.hops.subarray(0, 7))).toEqual([4, 4, 4, 4, 4, 4, 4]);
    ps.clear();
    r.routeInto(t.rankNode[0] ?? 0, t.rankNode[5] ?? 0, "scale-up", 0, ps);
    expect(ps.count).toBe(7);
    expect(ps.hops[0]).toBe(2);
    ps.clear();
    r.routeInto(t.rankNode[0] ?? 0, t.rankNode[1] ?? 0, "scale-up", 0, ps);
    expect(ps.count).toBe(1);
    expect(linkTierOf(t, ps.links[0] ?? 0)).toBe("die-to-die");
  });

  it("builds NVL72 with 18 switch planes and Grace CPUs on NVLink-C2C", () => {
    const t = buildTopology(gb200Nvl72);
    expect(t.rankNode.length).toBe(72);
    expect(t.scaleUpPlanes).toBe(18);
    let c2c = 0;
    for (let l = 0; l < t.linkCount; l++) if (linkTierOf(t, l) === "cpu") c2c++;
    expect(c2c / 2).toBe(72);
    // Switch chips are counted per tray: 9 trays × 2 chips.
    const switches = t.nodeName.filter((n) => n.startsWith("switch tray"));
    expect(switches.length).toBe(18);
    expect(switches).toContain("switch tray 8 chip 1");
  });

  it("joins CPUs and accelerators only where the system data has a host link (no CPU-name check)", () => {
    const { hostLink: _, ...node } = gb200Nvl72.node;
    const t = buildTopology({ ...gb200Nvl72, node });
    for (let l = 0; l < t.linkCount; l++) expect(linkTierOf(t, l)).not.toBe("cpu");
  });

  it("joins 8-GPU servers on a rail-optimised fat tree with oversubscription", () => {
    const t = buildTopology(ibCluster(hgxH100, 8, 2));
    expect(t.rankNode.length).toBe(64);
    const r = new Router(t);
    const ps = new PathSet();
    // same rail, different servers: one leaf
    r.routeInto(t.rankNode[0] ?? 0, t.rankNode[8] ?? 0, "scale-out", 0, ps);
    expect(ps.hops[0]).toBe(2);
    ps.clear();
    r.routeInto(t.rankNode[0] ?? 0, t.rankNode[9] ?? 0, "scale-out", 0, ps);
    expect(ps.hops[0]).toBe(4);
    let leafUp = 0;
    for (let l = 0; l < t.linkCount; l++)
      if (linkTierOf(t, l) === "scale-out-core" && t.nodeName[t.linkFrom[l] ?? 0] === "leaf r0.0")
        leafUp += t.linkCapacity[l] ?? 0;
    expect(leafUp).toBeCloseTo((8 * 50e9) / 2, -3);
  });
});

describe("scale-out transport", () => {
  it("sends die-sibling traffic through the NICs when asked to (no die-to-die shortcut)", () => {
    const t = buildTopology(cloudmatrix384);
    const r = new Router(t);
    const ps = new PathSet();
    expect(r.routeInto(t.rankNode[0] ?? 0, t.rankNode[1] ?? 0, "scale-out", 0, ps)).toBe(true);
    expect(linkTierOf(t, ps.links[0] ?? 0)).toBe("scale-out-access");
  });
});
