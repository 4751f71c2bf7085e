import { describe, expect, it } from "vitest";
import { randomPlacementOccupancy } from "./dp-rank-occupancy.ts";

/** The module under a query: vite loads it as a separate module, with its own cache. */
const FRESH_INSTANCE = "./dp-rank-occupancy.ts?fresh-instance";
type OccupancyModule = typeof import("./dp-rank-occupancy.ts");

describe("slot occupancy under random placement on attention-DP ranks", () => {
  it("is full with one rank and as many requests as slots", () => {
    expect(randomPlacementOccupancy({ ranks: 1, slotsPerRank: 4, requests: 4 })).toBe(1);
  });

  it("loses slots when requests equal slots over many ranks (16 ranks × 2, 32 requests)", () => {
    const occ = randomPlacementOccupancy({ ranks: 16, slotsPerRank: 2, requests: 32 });
    // Between the product-form closed network (exponential service, 0.63) and a static
    // multinomial snapshot (0.74): equal service times sit in between.
    expect(occ).toBeGreaterThan(0.64);
    expect(occ).toBeLessThan(0.74);
  });

  it("fills up as the backlog grows and with larger batches per rank", () => {
    const exact = randomPlacementOccupancy({ ranks: 16, slotsPerRank: 2, requests: 32 });
    const backlog = randomPlacementOccupancy({ ranks: 16, slotsPerRank: 2, requests: 96 });
    const bigBatch = randomPlacementOccupancy({ ranks: 16, slotsPerRank: 64, requests: 1024 });
    expect(backlog).toBeGreaterThan(exact);
    expect(backlog).toBeGreaterThan(0.85);
    expect(bigBatch).toBeGreaterThan(exact);
    expect(bigBatch).toBeLessThanOrEqual(1);
  });

  it("is deterministic: a fresh module (empty cache) simulates the same value again", async () => {
    const p = { ranks: 8, slotsPerRank: 3, requests: 24 };
    const a = randomPlacementOccupancy(p);
    // A second instance of this module alone (its own empty cache), not vi.resetModules(): that
    // would empty the whole worker's module graph, and every later file of the worker would load
    // core again and recompute what it keeps once per process (the validation ledger among them).
    const fresh = (await import(/* @vite-ignore */ FRESH_INSTANCE)) as OccupancyModule;
    expect(fresh.randomPlacementOccupancy).not.toBe(randomPlacementOccupancy);
    expect(fresh.randomPlacementOccupancy(p)).toBe(a);
  });
});
