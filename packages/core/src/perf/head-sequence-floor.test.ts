import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { headSequenceFloor } from "./operator-time-terms.ts";
import { fixtureB200, fixtureH100 } from "./test-support/fixture-chips.ts";
import { gqaDecodeCore } from "./test-support/gqa-decode-core.ts";
import { gqaEngineProfile } from "./test-support/gqa-engine-profile.ts";

/** A GQA decode core of `heads` query heads over `kvHeads` KV heads of 64 (one launch). */
const gqaCore = (batch: number, keys: number, heads = 64, kvHeads = 8, kvBytes = 2) =>
  gqaDecodeCore(batch, keys, { heads, kvHeads, kvBytes });

describe("TensorRT-LLM's GQA decode floor per (sequence × KV head)", () => {
  const hopper = gqaEngineProfile("h100-sxm", "trtllm");
  const blackwell = gqaEngineProfile("b200", "trtllm");
  const h100 = computeDevice(fixtureH100);

  it("is set by the trtllm attention overlays on Hopper and Blackwell, and by nothing else", () => {
    expect(hopper.engineOverlays).toContain("trtllm-xqa-gqa-sm90");
    expect(blackwell.engineOverlays).toContain("trtllm-gen-gqa-sm100");
    expect(hopper.classes["attention-decode"].headSequenceSmS?.value).toBeCloseTo(4.32e-6, 12);
    expect(blackwell.classes["attention-decode"].fp8HeadSequenceSmS?.value).toBeCloseTo(1.36e-6, 12);
    expect(efficiencyProfile("h100-sxm").classes["attention-decode"].headSequenceSmS).toBeUndefined();
    const sglang = gqaEngineProfile("h100-sxm", "sglang");
    expect(sglang.classes["attention-decode"].headSequenceSmS).toBeUndefined();
  });

  it("floors gpt-oss's 128-key window at 1,024 sequences: 1,024 × 8 × 4.32 µs ÷ 132 SMs", () => {
    const cls = hopper.classes["attention-decode"];
    expect(headSequenceFloor(gqaCore(1024, 128), cls, 132) * 1e6).toBeCloseTo((1024 * 8 * 4.32) / 132, 6);
    const t = operatorTime(gqaCore(1024, 128), h100, hopper);
    expect(t.timeS * 1e6).toBeCloseTo((1024 * 8 * 4.32) / 132 + 3.07, 3);
    // Without the overlay the same core is the KV stream (≈ 90 µs on H100).
    expect(operatorTime(gqaCore(1024, 128), h100, efficiencyProfile("h100-sxm")).timeS).toBeLessThan(
      0.4 * t.timeS,
    );
  });

  it("hides behind the KV stream at long contexts", () => {
    const long = gqaCore(128, 2048);
    const t = operatorTime(long, h100, hopper);
    expect(headSequenceFloor(long, hopper.classes["attention-decode"], 132)).toBeLessThan(t.memoryS);
    expect(t.bound).toBe("memory");
  });

  it("takes the one-byte value for an FP8 cache", () => {
    const cls = blackwell.classes["attention-decode"];
    expect(headSequenceFloor(gqaCore(1024, 128, 64, 8, 1), cls, 148) * 1e6).toBeCloseTo(
      (1024 * 8 * 1.36) / 148,
      6,
    );
    expect(
      operatorTime(gqaCore(1024, 128, 64, 8, 1), computeDevice(fixtureB200), blackwell).timeS,
    ).toBeGreaterThan((1024 * 8 * 1.36e-6) / 148);
  });

  it("is absent outside XQA's groups (MHA, more than 32 heads per KV head), on MLA and with no cached context", () => {
    const cls = hopper.classes["attention-decode"];
    expect(headSequenceFloor(gqaCore(1024, 128, 8, 8), cls, 132)).toBe(0);
    expect(headSequenceFloor(gqaCore(1024, 128, 64, 1), cls, 132)).toBe(0);
    const { kvHeads: _, ...mla } = gqaCore(1024, 128).attention ?? { queries: 0 };
    expect(
      headSequenceFloor({ ...gqaCore(1024, 128), attention: mla as Operator["attention"] }, cls, 132),
    ).toBe(0);
    // One key per query: only the step's own token (the zero-cache reference of a mixed iteration).
    expect(headSequenceFloor(gqaCore(1024, 1), cls, 132)).toBe(0);
  });
});
