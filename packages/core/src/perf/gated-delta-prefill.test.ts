import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { gatedDeltaPrefillBytesPerToken } from "../model/gated-delta-prefill.ts";
import { builtinModel, gatedDeltaPrefillOperator, layerOperators } from "../model/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { chunkWalkTime } from "./operator-time-terms.ts";

const tp8 = { keyHeads: 2, valueHeads: 8, keyHeadDim: 128, valueHeadDim: 128, dtype: "bf16" } as const;
const on = (chip: string) => {
  const c = builtinCatalog().chip(chip);
  return { device: computeDevice(c), profile: efficiencyProfileForChip(c) };
};

describe("FLA's chunked gated-delta-rule prefill chain", () => {
  it("moves 3,840 B per token and value head and 1,280 B per key head (d = 128, BF16)", () => {
    const b = gatedDeltaPrefillBytesPerToken({ ...tp8, tokens: 1, sequences: 1 });
    expect(b.read + b.written).toBe(8 * 3840 + 2 * 1280);
    expect(b.written).toBe(8 * 1920);
  });

  it("walks each sequence's chunks on dv/32 programs per value head: 1x65536 is 32 programs of 1,024 chunks", () => {
    const op = gatedDeltaPrefillOperator("x", { ...tp8, tokens: 65536, sequences: 1 }, 0);
    expect(op.chunkWalk).toEqual({ programs: 32, steps: 1024 });
    expect(op.kernels).toBe(6);
    const two = gatedDeltaPrefillOperator("x", { ...tp8, tokens: 8192, sequences: 2 }, 0);
    expect(two.chunkWalk).toEqual({ programs: 64, steps: 64 });
  });

  it("times the walk in waves of one program per SM at the chip's step (H100 1.174 us, B200 family 1.698 us)", () => {
    const h100 = on("h100-sxm");
    const one = gatedDeltaPrefillOperator("x", { ...tp8, tokens: 65536, sequences: 1 }, 0);
    expect(chunkWalkTime(one, h100.profile)).toBeCloseTo(1024 * 1.174e-6, 9);
    // The published H100 call (flashinfer PR 3866, FLA/Triton column) is the calibration point.
    expect(operatorTime(one, h100.device, h100.profile).timeS * 1e3).toBeCloseTo(1.954, 2);
    // Qwen3.6-27B at TP1 (16 key / 48 value heads), two 8,192-token prompts on a B200: 384 programs
    // on 148 SMs are three waves of 128 chunks.
    const b200 = on("b200");
    const q27 = { keyHeads: 16, valueHeads: 48, keyHeadDim: 128, valueHeadDim: 128, dtype: "bf16" } as const;
    const op = gatedDeltaPrefillOperator("x", { ...q27, tokens: 16384, sequences: 2 }, 0);
    expect(chunkWalkTime(op, b200.profile)).toBeCloseTo(3 * 128 * 1.698e-6, 9);
    // Ascend profiles give no step: no walk is charged there.
    expect(chunkWalkTime(op, on("ascend-910c").profile)).toBe(0);
  });

  it("is what a Gated DeltaNet layer runs in prefill, and not in decode", () => {
    const arch = builtinModel("qwen3-next-80b-a3b");
    const prefill = layerOperators(
      arch,
      0,
      { phase: "prefill", sequences: 2, newTokens: 8192, attendedTokenPairs: 2 * ((4096 * 4097) / 2) },
      { attentionTp: 2 },
    );
    const chunked = prefill.find((o) => o.name === "lin.delta_rule");
    // 32 value heads over TP2: 16 per rank, 4 programs each, two sequences of 64 chunks.
    expect(chunked?.chunkWalk).toEqual({ programs: 2 * 16 * 4, steps: 64 });
    expect(chunked?.bytesRead.activations).toBeGreaterThan(8192 * 16 * 1920);
    const decode = layerOperators(arch, 0, { phase: "decode", sequences: 8, kvTokens: 8 * 4096 });
    expect(decode.find((o) => o.name === "lin.delta_rule")?.chunkWalk).toBeUndefined();
  });
});
