import { describe, expect, it } from "vitest";
import { engineProfile } from "./engine-profile.ts";
import type { StaticMemoryWhere } from "./engine-static-memory.ts";

const MIB = 2 ** 20;
const sglang = engineProfile({ name: "sglang", version: "0.5.3" });
const h200 = (over: Partial<StaticMemoryWhere>): StaticMemoryWhere => ({
  deviceMemoryBytes: 143771 * MIB, // the H200's 141 GB as nvidia-smi reports it
  chipVendor: "NVIDIA",
  tp: 8,
  pp: 1,
  dpAttention: 1,
  chunkedPrefillTokens: 8192,
  speculativeDraft: false,
  ...over,
});

describe("SGLang's default mem_fraction_static (PR 10975 / 11076)", () => {
  it("reserves 512 + 1.5 per prefill token + 2 per graph batch + 128 per rank (MiB) on an H200 at TP8", () => {
    const fraction = sglang.staticMemoryFractionFor?.(h200({}));
    // 512 + 12,288 + 2 × 512 + 8 × 128 = 14,848 MiB of 143,771
    expect(fraction).toBe(Math.round(((143771 - 14848) / 143771) * 1000) / 1000);
    expect(fraction).toBe(0.897);
  });

  it("adds 3 + 1.5 MiB per graph batch row per DP rank under DP attention above a 300-row graph", () => {
    // DeepSeek-V3.2 DP8 on H200: + 3 × 512 × 8 + 1.5 × 512 × 8 = 18,432 MiB more, 33,280 in all
    expect(sglang.staticMemoryFractionFor?.(h200({ dpAttention: 8 }))).toBe(0.769);
    // tp_size 2 (DP2 of one GPU each): the H200 tier captures 256 rows below TP4, no large-graph term
    // 512 + 12,288 + 2 × 256 + 2 × 128 + 3 × 256 × 2 = 15,104 MiB
    expect(sglang.staticMemoryFractionFor?.(h200({ tp: 2, dpAttention: 2 }))).toBe(0.895);
  });

  it("keeps at least 10 GiB above 60 GiB, adds 2 GiB for a draft, and takes the NPU tier only on Huawei", () => {
    const small = h200({ tp: 1, chunkedPrefillTokens: 2048 }); // 512 + 3,072 + 512 + 128 = 4,224 < 10,240
    expect(sglang.staticMemoryFractionFor?.(small)).toBe(
      Math.round(((143771 - 10240) / 143771) * 1000) / 1000,
    );
    expect(sglang.staticMemoryFractionFor?.({ ...small, speculativeDraft: true })).toBe(
      Math.round(((143771 - 12288) / 143771) * 1000) / 1000,
    );
    // a 62 GiB device at TP4: the NPU tier captures 128 rows, the CUDA tier (< 160 GiB) 512
    const die = { deviceMemoryBytes: 62 * 1024 * MIB, tp: 4, chunkedPrefillTokens: 16384 };
    const npu = sglang.staticMemoryFractionFor?.(h200({ ...die, chipVendor: "Huawei" }));
    const gpu = sglang.staticMemoryFractionFor?.(h200(die));
    const at = (rows: number) =>
      Math.round(((62 * 1024 - Math.max(512 + 24576 + 2 * rows + 512, 10240)) / (62 * 1024)) * 1000) / 1000;
    expect(npu).toBe(at(128));
    expect(gpu).toBe(at(512));
  });

  it("takes the launch's value where the scenario states it, and other engines refuse the field", () => {
    const launched = engineProfile({ name: "sglang", memFractionStatic: 0.74 });
    expect(launched.staticMemoryFractionFor?.(h200({}))).toBe(0.74);
    expect(engineProfile({ name: "trtllm" }).staticMemoryFractionFor).toBeUndefined();
    expect(() => engineProfile({ name: "trtllm", memFractionStatic: 0.8 })).toThrow(/memFractionStatic/);
  });
});
