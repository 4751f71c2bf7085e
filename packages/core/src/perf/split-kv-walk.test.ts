import { describe, expect, it } from "vitest";
import { computeDevice } from "./device.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { operatorTime } from "./operator-time.ts";
import { flashSplitCount, splitKvWalkTime } from "./split-kv-walk.ts";
import { fixtureH100 } from "./test-support/fixture-chips.ts";
import { gqaDecodeCore } from "./test-support/gqa-decode-core.ts";

/** Llama-3 70B's decode core on one TP rank: `heads` / `kvHeads` heads of 128, `keys` keys a sequence. */
const llamaCore = (batch: number, keys: number, heads: number, kvHeads: number, kvBytes = 1) =>
  gqaDecodeCore(batch, keys, { heads, kvHeads, dim: 128, kvBytes });

const vllmGqa = { engine: "vllm", modelAttention: "gqa" } as const;

describe("FlashAttention's split count", () => {
  it("takes the smallest count within 85 % of the best wave efficiency", () => {
    // 4 sequences × 2 KV heads on 132 SMs, 29 key blocks: 16 splits fill 128 of 132 SMs (0.97);
    // 14 is the first at 0.85 × that (112 / 132 = 0.848 ≥ 0.824; 13 gives 0.788).
    expect(flashSplitCount(8, 132, 29)).toBe(14);
    expect(flashSplitCount(32, 132, 29)).toBe(4);
    expect(flashSplitCount(64, 132, 29)).toBe(2);
  });

  it("does not split when the m-blocks nearly fill the SMs or the keys are four blocks or fewer", () => {
    expect(flashSplitCount(106, 132, 100)).toBe(1);
    expect(flashSplitCount(8, 132, 4)).toBe(1);
  });
});

describe("vLLM's FlashAttention-3 split-KV walk on Hopper", () => {
  const hopper = withEngineOverlays(efficiencyProfile("h100-sxm"), vllmGqa);
  const cls = hopper.classes["attention-decode"];
  const h100 = computeDevice(fixtureH100);

  it("is set for an FP8 cache by the vLLM overlay, and by nothing else", () => {
    expect(hopper.engineOverlays).toContain("vllm-fa3-gqa-sm90");
    expect(cls.fp8SplitKvBlockS?.value).toBeCloseTo(1.908e-6, 12);
    expect(cls.fp8SplitKvKeyBlockTokens?.value).toBe(160);
    expect(cls.splitKvBlockS).toBeUndefined();
    expect(efficiencyProfile("h100-sxm").classes["attention-decode"].fp8SplitKvBlockS).toBeUndefined();
    const trtllm = withEngineOverlays(efficiencyProfile("h100-sxm"), {
      engine: "trtllm",
      modelAttention: "gqa",
    });
    expect(trtllm.classes["attention-decode"].fp8SplitKvBlockS).toBeUndefined();
    const blackwell = withEngineOverlays(efficiencyProfile("b200"), vllmGqa);
    expect(blackwell.classes["attention-decode"].fp8SplitKvBlockS).toBeUndefined();
  });

  it("walks ⌈29 ÷ 14⌉ = 3 blocks at TP4 and 4 sequences, ⌈29 ÷ 2⌉ = 15 at TP1 and 8", () => {
    expect(splitKvWalkTime(llamaCore(4, 4608, 16, 2), cls, 132) * 1e6).toBeCloseTo(3 * 1.908, 6);
    expect(splitKvWalkTime(llamaCore(8, 4608, 64, 8), cls, 132) * 1e6).toBeCloseTo(15 * 1.908, 6);
  });

  it("adds the walk to the kernel's minimum duration, once per op", () => {
    const core = llamaCore(8, 4608, 64, 8);
    const without = operatorTime(core, h100, efficiencyProfile("h100-sxm"));
    const withWalk = operatorTime(core, h100, hopper);
    const floor = (cls.minKernelS?.value ?? 0) + 15 * 1.908e-6;
    expect(withWalk.timeS).toBeCloseTo(floor + cls.launchOverheadS.value, 9);
    expect(withWalk.timeS).toBeGreaterThan(without.timeS);
  });

  it("leaves a 16-bit cache, MLA and a step with no cached keys alone", () => {
    expect(splitKvWalkTime(llamaCore(4, 4608, 16, 2, 2), cls, 132)).toBe(0);
    const { kvHeads: _, ...mla } = llamaCore(4, 4608, 16, 2).attention ?? { queries: 0 };
    expect(splitKvWalkTime({ ...llamaCore(4, 4608, 16, 2), attention: mla as never }, cls, 132)).toBe(0);
    expect(splitKvWalkTime(llamaCore(4, 1, 16, 2), cls, 132)).toBe(0);
  });

  it("runs unsplit in waves once the (sequence × KV head) blocks fill the SMs", () => {
    // 256 × 2 = 512 blocks: one split, ⌈512 ÷ 132⌉ = 4 waves of 29 key blocks each.
    expect(splitKvWalkTime(llamaCore(256, 4608, 16, 2), cls, 132) * 1e6).toBeCloseTo(4 * 29 * 1.908, 6);
  });
});
