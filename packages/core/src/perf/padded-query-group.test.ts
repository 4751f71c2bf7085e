import { describe, expect, it } from "vitest";
import { computeDevice } from "./device.ts";
import { classEfficiencySchema } from "./efficiency-file.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { overlappedRoof, paddedGroupMmaTime } from "./operator-time-terms.ts";
import { fixtureH100 } from "./test-support/fixture-chips.ts";
import { gqaDecodeCore } from "./test-support/gqa-decode-core.ts";
import { gqaEngineProfile } from "./test-support/gqa-engine-profile.ts";

/** A GQA decode core of `heads` query heads over `kvHeads` KV heads of `dim` (two launches). */
const gqaCore = (batch: number, keys: number, heads: number, kvHeads: number, dim: number, kvBytes: number) =>
  gqaDecodeCore(batch, keys, { heads, kvHeads, dim, kvBytes, kernels: 2 });

describe("TensorRT-LLM's GQA generation kernels pad the query group to the MMA tile", () => {
  const hopper = gqaEngineProfile("h100-sxm", "trtllm");
  const cls = hopper.classes["attention-decode"];
  const h100 = computeDevice(fixtureH100);

  it("is set by the trtllm attention overlays (tile 16 for a 16-bit cache, 8 for FP8), and by nothing else", () => {
    expect(cls.queryGroupTileHeads?.value).toBe(16);
    expect(cls.fp8QueryGroupTileHeads?.value).toBe(8);
    expect(cls.fp8PaddedGroupSmFlopsPerS?.value).toBeCloseTo(1174e9, 0);
    const blackwell = gqaEngineProfile("b200", "trtllm").classes["attention-decode"];
    expect(blackwell.paddedGroupSmFlopsPerS?.value).toBeCloseTo(1804e9, 0);
    expect(efficiencyProfile("h100-sxm").classes["attention-decode"].paddedGroupSmFlopsPerS).toBeUndefined();
    const sglang = gqaEngineProfile("h100-sxm", "sglang");
    expect(sglang.classes["attention-decode"].queryGroupTileHeads).toBeUndefined();
  });

  it("charges Qwen3-235B's rank (64 / 4 heads of 128, FP8) the MMA of 16 padded heads per KV head", () => {
    const core = gqaCore(128, 2048, 64, 4, 128, 1);
    const flops = 4 * 128 * 2048 * 4 * 16 * 128;
    expect(paddedGroupMmaTime(core, cls, 132)).toBeCloseTo(flops / (1174e9 * 132), 12);
  });

  it("costs a group inside one tile as a full tile, and a group past it as the next", () => {
    const fp8 = (heads: number) => paddedGroupMmaTime(gqaCore(64, 2048, heads, 8, 128, 1), cls, 132);
    expect(fp8(16)).toBeCloseTo(fp8(64), 15); // groups 2 and 8: one 8-head tile
    expect(fp8(96)).toBeCloseTo(2 * fp8(64), 15); // group 12: two tiles
    const bf16 = (heads: number) => paddedGroupMmaTime(gqaCore(64, 2048, heads, 8, 128, 2), cls, 132);
    expect(bf16(64)).toBeCloseTo(bf16(128), 15); // groups 8 and 16: one 16-row tile
    expect(bf16(256)).toBeCloseTo(2 * bf16(128), 15); // group 32: two tiles
  });

  it("meets the KV stream through the overlay's overlap exponent", () => {
    const t = operatorTime(gqaCore(64, 2048, 128, 8, 128, 1), h100, hopper);
    expect(t.computeS).toBeCloseTo(paddedGroupMmaTime(gqaCore(64, 2048, 128, 8, 128, 1), cls, 132), 12);
    expect(t.timeS).toBeCloseTo(t.overheadS + overlappedRoof(t.computeS, t.memoryS, 2.274), 12);
    expect(t.timeS).toBeGreaterThan(t.overheadS + Math.max(t.computeS, t.memoryS));
  });

  it("is absent outside XQA's groups, with no cached context and without the overlay", () => {
    expect(paddedGroupMmaTime(gqaCore(64, 2048, 8, 8, 128, 1), cls, 132)).toBe(0); // MHA
    expect(paddedGroupMmaTime(gqaCore(64, 2048, 64, 1, 128, 1), cls, 132)).toBe(0); // group 64
    expect(paddedGroupMmaTime(gqaCore(64, 1, 64, 4, 128, 1), cls, 132)).toBe(0); // own token only
    const plain = efficiencyProfile("h100-sxm").classes["attention-decode"];
    expect(paddedGroupMmaTime(gqaCore(64, 2048, 64, 4, 128, 1), plain, 132)).toBe(0);
  });

  it("refuses a zero tile or rate in a data file (a zero would switch the term off without a word)", () => {
    const value = (v: number) => ({ value: v, source: "s", tag: "spec" });
    for (const key of [
      "queryGroupTileHeads",
      "fp8QueryGroupTileHeads",
      "paddedGroupSmGflops",
      "fp8PaddedGroupSmGflops",
    ]) {
      const zero = classEfficiencySchema.safeParse({ [key]: value(0) });
      expect(zero.success).toBe(false);
      expect(zero.error?.issues[0]?.message).toBe("expected a positive number");
      expect(zero.error?.issues[0]?.path).toEqual([key, "value"]);
      expect(classEfficiencySchema.safeParse({ [key]: value(8) }).success).toBe(true);
    }
  });
});
