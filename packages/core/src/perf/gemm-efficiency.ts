/**
 * Shape-dependent GEMM efficiency. A GEMM kernel computes whole output tiles (tileM × tileN) on
 * `cores` matrix cores in waves, and pays a fixed cost per tile (prologue, epilogue, pipeline
 * fill) that is amortised over the reduction length K:
 *
 *   efficiency = ceiling × tileQuantisation × waveQuantisation × K / (K + kOverhead)
 *   tileQuantisation = m·n / (⌈m/tileM⌉·tileM · ⌈n/tileN⌉·tileN)
 *   waveQuantisation = tiles / (⌈tiles/cores⌉ · cores),  tiles = ⌈m/tileM⌉·⌈n/tileN⌉·groups
 *
 * Factors whose parameters the profile does not give are 1 (not modelled for that chip).
 */
import type { OperatorShape } from "../model/types.ts";
import type { ClassProfile } from "./efficiency-profile.ts";

export interface GemmEfficiencyFactors {
  readonly ceiling: number;
  readonly tileQuantisation: number;
  readonly waveQuantisation: number;
  readonly reductionLength: number;
  /** Product of the four factors. */
  readonly efficiency: number;
}

/**
 * Efficiency of a (grouped) GEMM of `shape` (m = rows per group) at ceiling `ceiling`.
 * @example gemmEfficiency({ m: 7168, n: 4096, k: 4096, groups: 4 }, 0.865, profile910c).efficiency // ≈ 0.794
 */
export function gemmEfficiency(
  shape: OperatorShape,
  ceiling: number,
  cls: ClassProfile,
): GemmEfficiencyFactors {
  const groups = shape.groups ?? 1;
  const tileM = cls.tileM?.value;
  const tileN = cls.tileN?.value;
  const rowTiles = tileM === undefined ? 1 : Math.ceil(shape.m / tileM);
  const colTiles = tileN === undefined ? 1 : Math.ceil(shape.n / tileN);
  const paddedM = tileM === undefined ? shape.m : rowTiles * tileM;
  const paddedN = tileN === undefined ? shape.n : colTiles * tileN;
  const tileQuantisation = paddedM > 0 && paddedN > 0 ? (shape.m * shape.n) / (paddedM * paddedN) : 1;
  const cores = cls.cores?.value;
  let waveQuantisation = 1;
  if (cores !== undefined && tileM !== undefined && tileN !== undefined) {
    const tiles = rowTiles * colTiles * groups;
    waveQuantisation = tiles > 0 ? tiles / (Math.ceil(tiles / cores) * cores) : 1;
  }
  const kOverhead = cls.kOverheadElements?.value ?? 0;
  const reductionLength = shape.k > 0 ? shape.k / (shape.k + kOverhead) : 1;
  return {
    ceiling,
    tileQuantisation,
    waveQuantisation,
    reductionLength,
    efficiency: ceiling * tileQuantisation * waveQuantisation * reductionLength,
  };
}
