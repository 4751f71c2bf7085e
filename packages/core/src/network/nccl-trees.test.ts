import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/catalog.ts";
import { ibCluster } from "../topology/test-support/fixtures.ts";
import { collectiveTime } from "./collective-time.ts";
import { btreeParent, dtreeMaxEdges, dtreeParents } from "./nccl-trees.ts";
import { nvlsTreePipelineFactor } from "./nvls-limits.ts";

describe("NCCL's double binary tree over nodes", () => {
  it("has NCCL's shapes: node 0 roots the first tree with one child; odd counts shift, even mirror", () => {
    // trees.cc illustration, 14 nodes: 0 - 8, 8 - {4, 12}, 4 - {2, 6}, 12 - {10, 13}, 2 - {1, 3}
    expect([8, 4, 12, 2, 6, 10, 13, 1, 3].map((i) => btreeParent(14, i))).toEqual([
      0, 8, 8, 4, 4, 12, 12, 2, 2,
    ]);
    expect(btreeParent(14, 0)).toBe(-1);
    // three nodes: two chains, 0 <- 2 <- 1 and 1 <- 0 <- 2
    expect([0, 1, 2].map((i) => dtreeParents(3, i))).toEqual([
      [-1, 1],
      [2, -1],
      [0, 0],
    ]);
    expect([2, 3, 4, 5, 8, 17].map(dtreeMaxEdges)).toEqual([2, 3, 4, 4, 4, 4]);
  });

  it("each tree is a tree (one root, every node reaches it), and no node has more than 4 edges over both", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), (m) => {
        for (const t of [0, 1] as const) {
          let roots = 0;
          for (let i = 0; i < m; i++) {
            let at = i;
            for (let hops = 0; at >= 0 && hops <= m; hops++) at = dtreeParents(m, at)[t];
            if (at !== -1) return false;
            if (dtreeParents(m, i)[t] === -1) roots++;
          }
          if (roots !== 1) return false;
        }
        if (dtreeMaxEdges(m) > 4) return false;
        return true;
      }),
    );
  });

  it("three B200 servers: the busiest NIC carries 1.5 x its share (both engines), so the tree beats the ring", () => {
    const cluster = ibCluster(builtinCatalog().system("dgx-b200"), 3);
    const time = (algorithm: "ring" | "tree", engine: "analytic" | "flow") =>
      collectiveTime(cluster, { op: "all-reduce", bytes: 2 ** 33, ranks: 24, algorithm, engine });
    const tree = time("tree", "analytic");
    // NIC-bound: 1.5 x S/8 per 400G NIC at 48.5 GB/s, busbw = algbw x 2(n - 1)/n, less NVLSTree's
    // pipeline fill (depth 2: 6 loops)
    const fill = nvlsTreePipelineFactor(2 ** 33, 3, 8, "NVLink 5");
    expect(tree.busBandwidthBytesPerS / 1e9).toBeCloseTo((((8 * 48.5) / 1.5) * (46 / 24)) / fill, -1);
    expect(time("tree", "flow").timeS / tree.timeS).toBeCloseTo(1, 4);
    expect(time("ring", "analytic").timeS / tree.timeS).toBeGreaterThan(1.2);
  });
});
