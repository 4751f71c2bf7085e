import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { analyticCollective } from "./analytic-engine.ts";
import { fabricModel } from "./fabric-model.ts";
import { communicatorView, meshLinkFraction } from "./full-mesh.ts";

const a2 = fabricModel(builtinCatalog().system("atlas-800t-a2"));
const hgx = fabricModel(builtinCatalog().system("hgx-h100"));

describe("full mesh: a communicator uses the links to its members only", () => {
  it("gives n ranks of one Atlas 800T A2 server n − 1 of the 7 HCCS links", () => {
    expect(meshLinkFraction(a2, 2)).toBeCloseTo(1 / 7, 12);
    expect(meshLinkFraction(a2, 4)).toBeCloseTo(3 / 7, 12);
    expect(meshLinkFraction(a2, 8)).toBe(1);
    // more members than a server holds: each server's share fills its mesh
    expect(meshLinkFraction(a2, 16)).toBe(1);
    expect(meshLinkFraction(a2, 1)).toBe(1);
  });

  it("leaves switched fabrics and the full communicator unchanged", () => {
    expect(meshLinkFraction(hgx, 2)).toBe(1);
    expect(communicatorView(hgx, 2)).toBe(hgx);
    expect(communicatorView(a2, 8)).toBe(a2);
    expect(communicatorView(a2, 2).accessBytesPerS).toBeCloseTo(a2.accessBytesPerS / 7, 0);
  });

  it("makes a large TP2 all-reduce on the A2 run at one link's rate", () => {
    const bytes = 40960 * 2048 * 2; // one prefill iteration's hidden rows, BF16
    const two = analyticCollective(a2, { op: "all-reduce", bytes, ranks: 2 });
    const eight = analyticCollective(a2, { op: "all-reduce", bytes, ranks: 8 });
    // a 2-rank ring sends S/2 twice per rank over the one 28 GB/s link (line rate × write fraction)
    expect(two.timeS).toBeGreaterThan(bytes / 28e9);
    expect(two.timeS).toBeLessThan((1.6 * bytes) / 28e9);
    // the 8-rank mesh moves 7/4 as many bytes per rank over 7 links: about 4× faster
    expect(two.timeS / eight.timeS).toBeGreaterThan(3);
  });
});
