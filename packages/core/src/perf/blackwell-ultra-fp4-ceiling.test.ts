import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { operatorTime } from "./operator-time.ts";
import { gemmOperator } from "./test-support/fixture-chips.ts";

// Blackwell Ultra's NVFP4 GEMM ceiling (docs/accuracy/blackwell-ultra-nvfp4-gemm-ceiling.md): the Blackwell
// chip's realized NVFP4 rate times the Ultra / Blackwell throughput ratio TensorRT-LLM 1.3.0rc20's own GEMM op
// measures (aiconfigurator tables, 675 compute-bound shapes): B300 / B200 1.198, GB300 / GB200 1.200.
describe("Blackwell Ultra's NVFP4 GEMM ceiling (b300.yaml, gb300.yaml)", () => {
  const catalog = builtinCatalog();
  const chips = Object.fromEntries(
    (["b200", "gb200", "b300", "gb300"] as const).map((id) => {
      const chip = catalog.chip(id);
      return [id, { chip, profile: efficiencyProfileForChip(chip), device: computeDevice(chip) }];
    }),
  );
  /** Realized NVFP4 GEMM ceiling in FLOP/s: the class's fraction of the chip's own FP4 peak. */
  const realized = (id: string, cls: "gemm" | "grouped-gemm") => {
    const c = chips[id];
    return (
      (c?.profile.classes[cls].computeEfficiency.fp4?.value ?? 0) * (c?.chip.peakFlopsPerS.fp4?.value ?? 0)
    );
  };

  it("gives each Ultra chip its own derived FP4 ceiling for dense and grouped GEMMs, from its own file", () => {
    const b300 = chips.b300?.profile;
    expect(b300?.files.slice(0, 3)).toEqual([
      "efficiency/b300.yaml",
      "efficiency/gb300.yaml",
      "efficiency/b200.yaml",
    ]);
    for (const [id, value] of [
      ["b300", 0.364],
      ["gb300", 0.3545],
    ] as const)
      for (const cls of ["gemm", "grouped-gemm"] as const) {
        const fp4 = chips[id]?.profile.classes[cls].computeEfficiency.fp4;
        expect(fp4?.value, `${id} ${cls}`).toBe(value);
        expect(fp4?.tag, `${id} ${cls}`).toBe("derived");
        expect(fp4?.sources[0]?.url, `${id} ${cls}`).toContain("aiconfigurator");
      }
  });

  it("realizes 1.2x the Blackwell chip's NVFP4 rate, not the 1.46x / 1.5x of the FP4 peaks", () => {
    for (const cls of ["gemm", "grouped-gemm"] as const) {
      // B200 0.4431 x 9,000 = 3,988 TFLOPS; B300 0.364 x 13,125 = 4,778 (was 0.4431 x 13,125 = 5,816)
      expect(realized("b300", cls) / 1e12).toBeCloseTo(4777.5, 0);
      expect(realized("b300", cls) / realized("b200", cls)).toBeCloseTo(1.198, 3);
      // GB200 0.4431 x 10,000 = 4,431 TFLOPS; GB300 0.3545 x 15,000 = 5,318 (was 6,647)
      expect(realized("gb300", cls) / realized("gb200", cls)).toBeCloseTo(1.2, 3);
    }
    expect(chips.b300?.chip.peakFlopsPerS.fp4?.value).toBe(13125e12);
    expect(chips.gb300?.chip.peakFlopsPerS.fp4?.value).toBe(15000e12);
  });

  it("keeps BF16 and FP8 GEMMs at the B200's fractions of the same peaks (parity, as the tables measure)", () => {
    for (const dtype of ["bf16", "fp8"] as const) {
      const b200 = chips.b200?.profile.classes.gemm.computeEfficiency[dtype]?.value;
      expect(chips.b300?.profile.classes.gemm.computeEfficiency[dtype]?.value).toBe(b200);
      expect(chips.b300?.chip.peakFlopsPerS[dtype]?.value).toBe(chips.b200?.chip.peakFlopsPerS[dtype]?.value);
    }
  });

  it("times Llama 2 70B's TP1 down projection at a 3,584-token iteration 1.19x faster on B300 than on B200", () => {
    // m 3,584, n 8,192, k 28,672 in NVFP4: compute-bound on both (1.68e14 FLOP; 0.13 GB of FP4 weights)
    const op = gemmOperator({ m: 3584, n: 8192, k: 28672, dtype: "fp4" });
    const time = (id: string) => {
      const c = chips[id];
      if (c === undefined) throw new Error(id);
      return operatorTime(op, c.device, c.profile);
    };
    const b200 = time("b200");
    const b300 = time("b300");
    expect(b200.bound).toBe("compute");
    expect(b300.bound).toBe("compute");
    const speedup = b200.timeS / b300.timeS;
    expect(speedup).toBeGreaterThan(1.17);
    expect(speedup).toBeLessThan(1.2);
  });
});
