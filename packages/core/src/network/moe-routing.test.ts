import { describe, expect, it } from "vitest";
import { hgxH800, ibCluster } from "../topology/test-support/fixtures.ts";
import { moeDispatchTime } from "./moe-communication.ts";
import { expectedDestinations } from "./moe-routing.ts";

/** Deterministic Monte Carlo of group-limited top-k routing (uniform scores), as DeepEP's test draws it. */
function simulate(
  experts: number,
  groups: number,
  topKGroups: number,
  topK: number,
  ranks: number,
  perServer: number,
  samples: number,
): { ranks: number; servers: number } {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const groupSize = experts / groups;
  let rankSum = 0;
  let serverSum = 0;
  for (let s = 0; s < samples; s++) {
    const order = Array.from({ length: groups }, (_, g) => [rand(), g] as const).sort((a, b) => a[0] - b[0]);
    const allowed: number[] = [];
    for (const [, g] of order.slice(0, topKGroups))
      for (let e = 0; e < groupSize; e++) allowed.push(g * groupSize + e);
    for (let i = 0; i < topK; i++) {
      const j = i + Math.floor(rand() * (allowed.length - i));
      const a = allowed[i] ?? 0;
      allowed[i] = allowed[j] ?? 0;
      allowed[j] = a;
    }
    const picked = allowed.slice(0, topK);
    const r = new Set(picked.map((e) => Math.floor(e / (experts / ranks))));
    rankSum += r.size;
    serverSum += new Set([...r].map((x) => Math.floor(x / perServer))).size;
  }
  return { ranks: rankSum / samples, servers: serverSum / samples };
}

describe("expectedDestinations", () => {
  it("without a group limit is the closed form R · (1 − C(E − E/R, k) / C(E, k))", () => {
    const d = expectedDestinations({ experts: 256, groups: 1, topKGroups: 1 }, 8, 8, 8);
    let miss = 1;
    for (let i = 0; i < 8; i++) miss *= (224 - i) / (256 - i);
    expect(d.ranksPerToken).toBeCloseTo(8 * (1 - miss), 10);
    expect(d.serversPerToken).toBeCloseTo(1, 12);
    expect(d.remoteServersPerToken).toBe(0);
  });

  it("matches a Monte Carlo of DeepSeek's group-limited routing (8 groups, top-4) at EP32 over 4 servers", () => {
    const d = expectedDestinations({ experts: 256, groups: 8, topKGroups: 4 }, 8, 32, 8);
    const mc = simulate(256, 8, 4, 8, 32, 8, 40_000);
    expect(d.ranksPerToken).toBeCloseTo(mc.ranks, 1);
    expect(d.serversPerToken).toBeCloseTo(mc.servers, 1);
    // ≈ 2.2 remote servers per token instead of 6 remote top-k copies
    expect(d.remoteServersPerToken).toBeGreaterThan(2.1);
    expect(d.remoteServersPerToken).toBeLessThan(2.3);
  });

  it("matches a Monte Carlo of DeepEP's benchmark routing at EP64 (groups = 8 nodes, top-4)", () => {
    const d = expectedDestinations({ experts: 256, groups: 8, topKGroups: 4 }, 8, 64, 8);
    const mc = simulate(256, 8, 4, 8, 64, 8, 40_000);
    expect(d.serversPerToken).toBeCloseTo(mc.servers, 1);
    expect(d.ranksPerToken).toBeCloseTo(mc.ranks, 1);
  });
});

describe("DeepEP normal kernels (node deduplication)", () => {
  const sys = ibCluster(hgxH800, 4);
  const req = { system: sys, ranks: 32, tokensPerRank: 4096, topK: 8, bytesPerToken: 7408 } as const;
  const routing = { experts: 256, groups: 8, topKGroups: 4 } as const;

  it("put one copy per remote server on the NICs, not one per remote top-k expert", () => {
    const ll = moeDispatchTime(req);
    const normal = moeDispatchTime({ ...req, kernels: "normal", routing });
    const d = normal.deduplication?.destinations;
    expect(normal.deduplication?.unit).toBe("node");
    const nic = (r: typeof ll) => r.loadedLinks.find((l) => l.tier === "scale-out-access")?.bytes ?? 0;
    // one copy per remote server, at the normal kernels' own NIC fraction (0.870 vs 0.97)
    expect(nic(normal)).toBeCloseTo(4096 * 7408 * (d?.remoteServersPerToken ?? 0) * (0.97 / 0.87), 0);
    // low-latency kernels: every remote top-k copy, at their lower NIC fraction (0.8144 vs 0.97)
    expect(nic(ll)).toBeCloseTo(((4096 * 8 * 7408 * 24) / 32) * (0.97 / 0.8144), 0);
    expect(normal.timeS).toBeLessThan(ll.timeS);
  });

  it("without routing, or with low-latency kernels, keep top-k copies", () => {
    expect(moeDispatchTime({ ...req, kernels: "normal" }).deduplication).toBeUndefined();
    expect(moeDispatchTime({ ...req, kernels: "low-latency", routing }).deduplication).toBeUndefined();
  });
});
