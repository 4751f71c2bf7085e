/**
 * Shape-dependent GEMM efficiency. A GEMM kernel computes whole output tiles (tileM × tileN) on
 * `cores` matrix cores in waves, and pays a fixed cost per tile (prologue, epilogue, pipeline
 * fill) that is amortised over the reduction length K:
 *
 *   efficiency = ceiling × tileQuantisation × waveQuantisation × K / (K + kOverhead)
 *   tileQuantisation = m·n / (⌈m/tileM⌉·tileM · ⌈n/tileN⌉·tileN)
 *   waveQuantisation = tiles / (⌈tiles/cores⌉ · cores),  tiles = ⌈m/tileM⌉·⌈n/tileN⌉·groups
 *
 * Kernels that pick their tile per shape (DeepGEMM on Hopper: `tileNMin`/`tileNStep` give the
 * column tiles tried, `tileMSmall` the row tile for short GEMMs) are modelled with the kernel's own
 * rule: fewest waves, then the fullest last wave, then the wider tile. Triton's matmul_ogs
 * (`tileMPow2Min`) takes the next power of two of the rows per group as its row tile, between
 * `tileMPow2Min` and `tileM`. Autotuned libraries
 * (`tileChoiceByWork`: cuBLAS, CUTLASS under TensorRT-LLM's autotuner) keep the candidate with the
 * least padded work per core (waves × tile area).
 * Factors whose parameters the profile does not give are 1 (not modelled for that chip).
 */
import type { Dtype } from "../hardware/index.ts";
import type { OperatorShape } from "../model/index.ts";
import type { ClassProfile } from "./efficiency-profile.ts";

export interface GemmEfficiencyFactors {
  readonly ceiling: number;
  readonly tileQuantisation: number;
  readonly waveQuantisation: number;
  readonly reductionLength: number;
  /** The tile used (absent when the profile models no tile). */
  readonly tile?: { readonly m: number; readonly n: number };
  /** Waves of output tiles over the cores (absent when the profile models no tile or cores). */
  readonly waves?: number;
  /** Product of the four factors. */
  readonly efficiency: number;
}

interface TileChoice {
  readonly tileM: number;
  readonly tileN: number;
  readonly tiles: number;
  readonly waves: number;
  readonly lastWave: number;
}

function tileChoice(
  m: number,
  n: number,
  groups: number,
  tileM: number,
  tileN: number,
  cores: number,
): TileChoice {
  const tiles = Math.ceil(m / tileM) * Math.ceil(n / tileN) * groups;
  const waves = Math.ceil(tiles / cores);
  return { tileM, tileN, tiles, waves, lastWave: tiles % cores || cores };
}

/** The tile a shape-choosing kernel picks (DeepGEMM's `get_best_configs` rule). */
function chooseTile(
  shape: OperatorShape,
  groups: number,
  cls: ClassProfile,
  cores: number,
): TileChoice | undefined {
  const tileM = cls.tileM?.value;
  const tileN = cls.tileN?.value;
  if (tileM === undefined || tileN === undefined) return undefined;
  const small = cls.tileMSmall?.value;
  const pow2Min = cls.tileMPow2Min?.value;
  const sizedRows =
    (cls.tileMFromRoutedRows?.value ?? 0) > 0 ? (shape.routedRowsPerGroup ?? shape.m) : shape.m;
  const rowTile =
    pow2Min !== undefined
      ? Math.min(tileM, Math.max(pow2Min, 2 ** Math.ceil(Math.log2(Math.max(1, sizedRows)))))
      : small !== undefined && shape.m <= small
        ? small
        : tileM;
  const min = cls.tileNMin?.value;
  const step = cls.tileNStep?.value;
  if (min === undefined || step === undefined || step <= 0)
    return tileChoice(shape.m, shape.n, groups, rowTile, tileN, cores);
  const byWork = (cls.tileChoiceByWork?.value ?? 0) > 0;
  let best: TileChoice | undefined;
  for (let bn = min; bn <= tileN; bn += step) {
    const c = tileChoice(shape.m, shape.n, groups, rowTile, bn, cores);
    if (best === undefined || (byWork ? lessWork(c, best) : fewerWaves(c, best))) best = c;
  }
  return best;
}

/** DeepGEMM's rule: fewest waves, then the fullest last wave, then the wider tile (tried last). */
function fewerWaves(c: TileChoice, best: TileChoice): boolean {
  return c.waves < best.waves || (c.waves === best.waves && c.lastWave >= best.lastWave);
}

/**
 * An autotuner's choice (it times each candidate and keeps the fastest): the least padded work per
 * core, waves × tile area, at equal per-core speed; ties go to the wider tile (tried last).
 */
function lessWork(c: TileChoice, best: TileChoice): boolean {
  return c.waves * c.tileM * c.tileN <= best.waves * best.tileM * best.tileN;
}

/**
 * Efficiency of a (grouped) GEMM of `shape` (m = rows per group) at ceiling `ceiling`; `dtype`
 * selects a per-format per-tile cost (`kOverheadElementsByDtype`) where the profile has one.
 * @example gemmEfficiency({ m: 7168, n: 4096, k: 4096, groups: 4 }, 0.865, profile910c).efficiency // ≈ 0.794
 */
export function gemmEfficiency(
  shape: OperatorShape,
  ceiling: number,
  cls: ClassProfile,
  dtype?: Dtype,
): GemmEfficiencyFactors {
  const groups = shape.groups ?? 1;
  const cores = cls.cores?.value;
  const choice = chooseTile(shape, groups, cls, cores ?? Number.POSITIVE_INFINITY);
  let tileQuantisation = 1;
  let waveQuantisation = 1;
  if (choice !== undefined) {
    const paddedM = Math.ceil(shape.m / choice.tileM) * choice.tileM;
    const paddedN = Math.ceil(shape.n / choice.tileN) * choice.tileN;
    if (paddedM > 0 && paddedN > 0) tileQuantisation = (shape.m * shape.n) / (paddedM * paddedN);
    if (cores !== undefined && choice.tiles > 0) waveQuantisation = choice.tiles / (choice.waves * cores);
  }
  const perFormat = dtype === undefined ? undefined : cls.kOverheadElementsByDtype?.[dtype];
  const kOverhead = (perFormat ?? cls.kOverheadElements)?.value ?? 0;
  const reductionLength = shape.k > 0 ? shape.k / (shape.k + kOverhead) : 1;
  return {
    ceiling,
    tileQuantisation,
    waveQuantisation,
    reductionLength,
    ...(choice !== undefined && { tile: { m: choice.tileM, n: choice.tileN } }),
    ...(choice !== undefined && cores !== undefined && { waves: choice.waves }),
    efficiency: ceiling * tileQuantisation * waveQuantisation * reductionLength,
  };
}
