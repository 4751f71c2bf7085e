import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { gemmEfficiency } from "./gemm-efficiency.ts";

const ascend = efficiencyProfile("ascend-910c").classes["grouped-gemm"];

describe("gemmEfficiency", () => {
  it("quantises to whole 128×152 tiles", () => {
    // N = 7168 needs 48 column tiles of 152 (7296 columns computed).
    const f = gemmEfficiency({ m: 2048, n: 7168, k: 4096, groups: 4 }, 1, ascend);
    expect(f.tileQuantisation).toBeCloseTo(7168 / 7296, 12);
    expect(f.waveQuantisation).toBe(1); // 16 × 48 × 4 = 3072 tiles = 128 full waves of 24
  });

  it("loses the idle cores of a partial last wave", () => {
    // 1 × 1 tile per group, 5 groups: 5 tiles on 24 cores.
    const f = gemmEfficiency({ m: 128, n: 152, k: 4096, groups: 5 }, 1, ascend);
    expect(f.waveQuantisation).toBeCloseTo(5 / 24, 12);
  });

  it("amortises the per-tile cost over K", () => {
    const short = gemmEfficiency({ m: 7168, n: 4096, k: 1024 }, 1, ascend);
    const long = gemmEfficiency({ m: 7168, n: 4096, k: 16384 }, 1, ascend);
    expect(short.reductionLength).toBeLessThan(long.reductionLength);
    expect(long.reductionLength).toBeCloseTo(16384 / (16384 + 355), 12);
  });

  it("with a power-of-two row tile (Triton's matmul_ogs) pads rows to the next power of two, 16 to 128", () => {
    const h200 = efficiencyProfile("h200-sxm").classes["grouped-gemm"];
    const triton = {
      ...h200,
      tileMPow2Min: h200.tileM === undefined ? undefined : { ...h200.tileM, value: 16 },
    };
    const rows = (m: number) => gemmEfficiency({ m, n: 5760, k: 2880, groups: 128 }, 1, triton).tile?.m;
    expect([rows(1), rows(5), rows(17), rows(47), rows(100), rows(300)]).toEqual([16, 16, 32, 64, 128, 128]);
    // DeepGEMM's rule on the same chip: 64 rows up to 64, else 128.
    expect(gemmEfficiency({ m: 5, n: 5760, k: 2880, groups: 128 }, 1, h200).tile?.m).toBe(64);
  });

  it("with tileMFromRoutedRows sizes that row tile from every routed pair over the rank's experts (EP > 1)", () => {
    const h200 = efficiencyProfile("h200-sxm").classes["grouped-gemm"];
    const pow2 = h200.tileM === undefined ? undefined : { ...h200.tileM, value: 16 };
    const flag = h200.tileM === undefined ? undefined : { ...h200.tileM, value: 1 };
    const triton = { ...h200, tileMPow2Min: pow2, tileMFromRoutedRows: flag };
    // gpt-oss-120b DEP4 decode: 47 rows per local expert, 4 x 47 routed pairs per local expert.
    const shape = { m: 47, n: 5760, k: 2880, groups: 32, routedRowsPerGroup: 188 };
    expect(gemmEfficiency(shape, 1, triton).tile?.m).toBe(128);
    expect(gemmEfficiency(shape, 1, triton).tileQuantisation).toBeCloseTo(47 / 128, 12);
    expect(gemmEfficiency(shape, 1, { ...triton, tileMFromRoutedRows: undefined }).tile?.m).toBe(64);
  });

  it("leaves unmodelled factors at 1 (default profile: ceiling only)", () => {
    const generic = efficiencyProfile("default").classes.gemm;
    const f = gemmEfficiency({ m: 3, n: 7, k: 11 }, 0.78, generic);
    expect(f.efficiency).toBe(0.78);
    expect(f.tile).toBeUndefined();
  });

  it("on the A100 pads rows to 64 up to 64 rows, then to whole 128-row tiles, without wave counts", () => {
    const a100 = efficiencyProfile("a100-sxm").classes.gemm;
    // Vidur's A100 table steps at every multiple of 128 tokens (a100-sxm.yaml tileM).
    expect(gemmEfficiency({ m: 64, n: 14336, k: 8192 }, 1, a100).tileQuantisation).toBe(1);
    expect(gemmEfficiency({ m: 96, n: 14336, k: 8192 }, 1, a100).tileQuantisation).toBeCloseTo(96 / 128, 12);
    expect(gemmEfficiency({ m: 200, n: 14336, k: 8192 }, 1, a100).tileQuantisation).toBeCloseTo(
      200 / 256,
      12,
    );
    expect(gemmEfficiency({ m: 200, n: 4096, k: 14336 }, 1, a100).waveQuantisation).toBe(1);
  });

  it("picks DeepGEMM's tile on the H800: M256 N7168 takes 128 × 112 (128 tiles on 132 SMs, the README's example)", () => {
    const h800 = efficiencyProfile("h800-sxm").classes.gemm;
    const f = gemmEfficiency({ m: 256, n: 7168, k: 7168 }, 1, h800);
    expect(f.tile).toEqual({ m: 128, n: 112 });
    expect(f.waveQuantisation).toBeCloseTo(128 / 132, 12);
    expect(gemmEfficiency({ m: 64, n: 4096, k: 7168 }, 1, h800).tile?.m).toBe(64);
  });

  it("Hopper BF16 dense GEMMs (cuBLAS) pay no per-tile K cost; FP8 and grouped GEMMs keep DeepGEMM's", () => {
    for (const chip of ["h800-sxm", "h100-sxm", "h200-sxm"]) {
      const profile = efficiencyProfile(chip).classes;
      const shape = { m: 8192, n: 24576, k: 1536 }; // DeepSeek-V3 q_b, where DeepGEMM's cost gave +50 %
      expect(gemmEfficiency(shape, 1, profile.gemm, "bf16").reductionLength).toBe(1);
      expect(gemmEfficiency(shape, 1, profile.gemm, "fp8").reductionLength).toBeCloseTo(
        1536 / (1536 + 677),
        12,
      );
      expect(gemmEfficiency(shape, 1, profile["grouped-gemm"], "bf16").reductionLength).toBeCloseTo(
        1536 / (1536 + 677),
        12,
      );
      // Without a format the class's own cost applies.
      expect(gemmEfficiency(shape, 1, profile.gemm).reductionLength).toBeCloseTo(1536 / (1536 + 677), 12);
      expect(profile.gemm.computeEfficiency.bf16?.value).toBe(0.7772);
      expect(profile.gemm.computeEfficiency.bf16?.defaulted).toBe(false);
      expect(profile.gemm.computeEfficiency.fp8?.value).toBe(0.7425);
    }
    // The H800's own file sets it; the H100 and H200 inherit it as an assumption.
    expect(efficiencyProfile("h800-sxm").classes.gemm.kOverheadElementsByDtype?.bf16?.tag).toBe("derived");
    expect(efficiencyProfile("h200-sxm").classes.gemm.kOverheadElementsByDtype?.bf16?.tag).toBe("assumption");
  });

  it("the A100 has no per-format K cost (its own file, not Hopper's)", () => {
    expect(efficiencyProfile("a100-sxm").classes.gemm.kOverheadElementsByDtype).toBeUndefined();
  });

  it("on the B200 an autotuned library keeps the tile with the least padded work", () => {
    const b200 = efficiencyProfile("b200").classes.gemm;
    // M256 N6144: 96 tiles of 128 × 128 (one wave, 128 columns per SM) beat 48 of 128 × 256.
    const small = gemmEfficiency({ m: 256, n: 6144, k: 4096 }, 1, b200);
    expect(small.tile).toEqual({ m: 128, n: 128 });
    expect(small.waveQuantisation).toBeCloseTo(96 / 148, 12);
    // 4096³: 1,024 tiles of 128 × 128 in 7 waves (896 columns per SM) beat 512 of 128 × 256 in 4 (1,024).
    const cube = gemmEfficiency({ m: 4096, n: 4096, k: 4096 }, 1, b200);
    expect(cube.tile).toEqual({ m: 128, n: 128 });
    expect(cube.waveQuantisation).toBeCloseTo(1024 / 1036, 12);
    // Equal work: the wider tile (M16384 N6144: 21 waves of 128 × 256 = 42 of 128 × 128, rounded up).
    expect(gemmEfficiency({ m: 16384, n: 6144, k: 4096 }, 1, b200).tile).toEqual({ m: 128, n: 256 });
  });

  it("GB200 and GB300 inherit the B200's SM100 tiles", () => {
    for (const chip of ["gb200", "gb300"])
      expect(
        gemmEfficiency({ m: 128, n: 2048, k: 7168 }, 1, efficiencyProfile(chip).classes.gemm).tile,
      ).toEqual({
        m: 128,
        n: 128,
      });
  });

  it("never does better than the ceiling whatever tile it picks (property)", () => {
    const h800 = efficiencyProfile("h800-sxm").classes["grouped-gemm"];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 40000 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 16 }),
        (m, n, k, groups) => {
          const f = gemmEfficiency({ m, n, k, groups }, 0.7, h800);
          return (
            f.efficiency > 0 && f.efficiency <= 0.7 && f.waveQuantisation <= 1 && f.tileQuantisation <= 1
          );
        },
      ),
    );
  });
});
