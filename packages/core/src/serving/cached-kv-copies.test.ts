import { describe, expect, it } from "vitest";
import { cachedKvCopies, withCopies } from "./cached-kv-copies.ts";
import { linkTransferModel } from "./transfer-model.ts";

const mla = { attention: { kind: "mla" } } as unknown as Parameters<typeof cachedKvCopies>[1];
const gqa = (numKvHeads: number) =>
  ({ attention: { kind: "gqa", numKvHeads } }) as unknown as Parameters<typeof cachedKvCopies>[1];
const plan = (tp: number) => ({ attention: { tp, dp: 1, sequenceParallel: false } });

describe("copies of a cached prefix an instance must receive", () => {
  it("MLA under attention TP: every rank of the group needs the whole latent; one copy per node over NICs", () => {
    // CloudMatrix-Infer prefill: TP32 over 2 nodes of 16 dies
    expect(cachedKvCopies(plan(32), mla, 16)).toEqual({ fabricCopies: 32, nodeCopies: 2 });
    expect(cachedKvCopies(plan(8), mla, 8)).toEqual({ fabricCopies: 8, nodeCopies: 1 });
  });

  it("GQA splits the KV heads over TP ranks: replicas only beyond the KV head count", () => {
    expect(cachedKvCopies(plan(8), gqa(8), 8)).toEqual({ fabricCopies: 1, nodeCopies: 1 });
    expect(cachedKvCopies(plan(16), gqa(8), 8)).toEqual({ fabricCopies: 2, nodeCopies: 2 });
  });

  it("data-parallel attention (tp 1) receives each token once", () => {
    expect(cachedKvCopies(plan(1), mla, 16)).toEqual({ fabricCopies: 1, nodeCopies: 1 });
  });

  it("withCopies multiplies the bandwidth term, not the latency", () => {
    const path = linkTransferModel(50e9, 2e-6, "link");
    const two = withCopies(path, 2);
    expect(two.occupancyS(1e9)).toBeCloseTo(0.04, 12);
    expect(two.transferS(1e9)).toBeCloseTo(2e-6 + 0.04, 12);
    expect(withCopies(path, 1)).toBe(path);
  });
});
