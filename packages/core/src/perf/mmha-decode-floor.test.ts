import { describe, expect, it } from "vitest";
import { computeDevice } from "./device.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { headSequenceFloor, paddedGroupMmaTime, queryHeadKeyFloor } from "./operator-time-terms.ts";
import { fixtureH100 } from "./test-support/fixture-chips.ts";
import { gqaDecodeCore } from "./test-support/gqa-decode-core.ts";
import { gqaEngineProfile } from "./test-support/gqa-engine-profile.ts";

/** A decode core of `heads` query heads over `kvHeads` KV heads of 128 with an FP8 cache. */
const core = (batch: number, keys: number, heads: number, kvHeads: number, kvBytes = 1) =>
  gqaDecodeCore(batch, keys, { heads, kvHeads, dim: 128, kvBytes, kernels: 2 });
const masked = (batch: number, keys: number, heads: number, kvHeads: number) => {
  const op = core(batch, keys, heads, kvHeads);
  if (op.attention === undefined) throw new Error("a decode core has an attention shape");
  return { ...op, attention: { ...op.attention, chunkMasked: true } };
};

describe("TensorRT-LLM's MMHA decode floor on Hopper (one block per query head and sequence)", () => {
  const trtllm = gqaEngineProfile("h100-sxm", "trtllm");
  const cls = trtllm.classes["attention-decode"];
  const pairNs = 9.978;

  it("is set by the Hopper trtllm overlay only", () => {
    expect(cls.fp8QueryHeadKeySmS?.value).toBeCloseTo(pairNs * 1e-9, 15);
    expect(efficiencyProfile("h100-sxm").classes["attention-decode"].fp8QueryHeadKeySmS).toBeUndefined();
    const blackwell = gqaEngineProfile("b200", "trtllm");
    expect(blackwell.classes["attention-decode"].fp8QueryHeadKeySmS).toBeUndefined();
  });

  it("charges the shapes XQA refuses: MHA and a query group above 32, per (query head × key)", () => {
    expect(queryHeadKeyFloor(core(64, 4096, 64, 1), cls, 132) * 1e6).toBeCloseTo(
      (64 * 64 * 4096 * pairNs) / 132 / 1e3,
      6,
    );
    expect(queryHeadKeyFloor(core(128, 1024, 40, 40), cls, 132)).toBeGreaterThan(0);
    // A group XQA runs (2 … 32) keeps XQA's terms and no MMHA floor.
    expect(queryHeadKeyFloor(core(64, 4096, 40, 8), cls, 132)).toBe(0);
    expect(headSequenceFloor(core(64, 4096, 40, 8), cls, 132)).toBeGreaterThan(0);
  });

  it("charges a chunk-masked GQA core (Llama 4 past one chunk) as MMHA, without XQA's terms", () => {
    const op = masked(87, 5120, 40, 8);
    expect(queryHeadKeyFloor(op, cls, 132) * 1e6).toBeCloseTo((87 * 40 * 5120 * pairNs) / 132 / 1e3, 6);
    expect(headSequenceFloor(op, cls, 132)).toBe(0);
    expect(paddedGroupMmaTime(op, cls, 132)).toBe(0);
    const h100 = computeDevice(fixtureH100);
    // The floor binds over the ≈ 0.9 GB KV stream: ≈ 1.35 ms against ≈ 0.3 ms for XQA.
    const t = operatorTime(op, h100, trtllm);
    expect(t.timeS).toBeGreaterThan(3 * operatorTime(core(87, 5120, 40, 8), h100, trtllm).timeS);
    expect(t.bound).toBe("overhead");
  });

  it("keeps the GQA kernel's terms for a chunk-masked core where no MMHA runs (Blackwell's trtllm-gen)", () => {
    const blackwell = gqaEngineProfile("b200", "trtllm");
    const bw = blackwell.classes["attention-decode"];
    const op = masked(87, 5120, 40, 8);
    expect(headSequenceFloor(op, bw, 148)).toBeGreaterThan(0);
    expect(headSequenceFloor(op, bw, 148)).toBe(headSequenceFloor(core(87, 5120, 40, 8), bw, 148));
    expect(queryHeadKeyFloor(op, bw, 148)).toBe(0);
  });

  it("leaves a 16-bit cache unmodelled (only the FP8 kernel was measured)", () => {
    expect(queryHeadKeyFloor(core(64, 4096, 64, 1, 2), cls, 132)).toBe(0);
  });
});
