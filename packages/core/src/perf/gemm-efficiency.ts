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
import type { OperatorShape, QuantScheme } from "../model/index.ts";
import type { ClassProfile } from "./efficiency-profile.ts";
import {
  type FusedMoeCall,
  type FusedMoeRowTiles,
  fusedMoeRowTile,
  fusedMoeStreamEfficiency,
} from "./fused-moe-row-tile.ts";

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

/**
 * The tile a kernel picks for a shape, written in place (`chooseTile`): a deployment search or a
 * validate run times millions of GEMMs, and DeepGEMM's rule tries up to 31 column tiles each.
 */
interface TileChoice {
  tileM: number;
  tileN: number;
  tiles: number;
  waves: number;
  lastWave: number;
}

/** The one `TileChoice` that `chooseTile` writes (read at once by its caller, never kept). */
const chosen: TileChoice = { tileM: 0, tileN: 0, tiles: 0, waves: 0, lastWave: 0 };

/**
 * The tile a shape-choosing kernel picks (DeepGEMM's `get_best_configs` rule), written into
 * `chosen`; false when the profile models no tile.
 */
function chooseTile(
  shape: OperatorShape,
  groups: number,
  cls: ClassProfile,
  cores: number,
  dtype: Dtype | undefined,
  scheme: QuantScheme | undefined,
): boolean {
  const tileM = cls.tileM?.value;
  const tileN = cls.tileN?.value;
  if (tileM === undefined || tileN === undefined) return false;
  const small = cls.tileMSmall?.value;
  const pow2Min = cls.tileMPow2Min?.value;
  const sizedRows =
    (cls.tileMFromRoutedRows?.value ?? 0) > 0 ? (shape.routedRowsPerGroup ?? shape.m) : shape.m;
  const configured = fromKernelConfigs(fusedMoeRowTile, shape, cls, dtype, scheme);
  const rowTile =
    configured !== undefined
      ? configured
      : pow2Min !== undefined
        ? Math.min(tileM, Math.max(pow2Min, 2 ** Math.ceil(Math.log2(Math.max(1, sizedRows)))))
        : small !== undefined && shape.m <= small
          ? small
          : tileM;
  const rowTiles = Math.ceil(shape.m / rowTile);
  const min = cls.tileNMin?.value;
  const step = cls.tileNStep?.value;
  chosen.tileM = rowTile;
  if (min === undefined || step === undefined || step <= 0) {
    setChoice(rowTiles * Math.ceil(shape.n / tileN) * groups, tileN, cores);
    return true;
  }
  const byWork = (cls.tileChoiceByWork?.value ?? 0) > 0;
  let found = false;
  for (let bn = min; bn <= tileN; bn += step) {
    const tiles = rowTiles * Math.ceil(shape.n / bn) * groups;
    const waves = Math.ceil(tiles / cores);
    const lastWave = tiles % cores || cores;
    if (
      !found ||
      (byWork
        ? lessWork(waves, bn, chosen.waves, chosen.tileN, rowTile)
        : fewerWaves(waves, lastWave, chosen.waves, chosen.lastWave))
    ) {
      chosen.tileN = bn;
      chosen.tiles = tiles;
      chosen.waves = waves;
      chosen.lastWave = lastWave;
      found = true;
    }
  }
  return found;
}

/**
 * What `read` gives for the engine's fused-MoE kernel configs (`fused-moe-row-tile.ts`: the row tile
 * the kernel picks, the config's own weight stream) and the call this op is, where the class carries
 * the configs and the op says which call it is; undefined otherwise.
 */
function fromKernelConfigs<T>(
  read: (tiles: FusedMoeRowTiles, call: FusedMoeCall) => T | undefined,
  shape: OperatorShape,
  cls: ClassProfile,
  dtype: Dtype | undefined,
  scheme: QuantScheme | undefined,
): T | undefined {
  const tiles = cls.rowTileConfigs;
  const { opTokens, expertIntermediate, localGroups } = shape;
  if (tiles === undefined || dtype === undefined) return undefined;
  if (opTokens === undefined || expertIntermediate === undefined || localGroups === undefined)
    return undefined;
  return read(tiles, {
    tokens: opTokens,
    localExperts: localGroups,
    intermediate: expertIntermediate,
    dtype,
    ...(scheme !== undefined && { scheme }),
  });
}

/** `chosen` for `tiles` tiles of `tileN` columns (its row tile already set). */
function setChoice(tiles: number, tileN: number, cores: number): void {
  chosen.tileN = tileN;
  chosen.tiles = tiles;
  chosen.waves = Math.ceil(tiles / cores);
  chosen.lastWave = tiles % cores || cores;
}

/** DeepGEMM's rule: fewest waves, then the fullest last wave, then the wider tile (tried last). */
function fewerWaves(waves: number, lastWave: number, bestWaves: number, bestLastWave: number): boolean {
  return waves < bestWaves || (waves === bestWaves && lastWave >= bestLastWave);
}

/**
 * An autotuner's choice (it times each candidate and keeps the fastest): the least padded work per
 * core, waves × tile area, at equal per-core speed; ties go to the wider tile (tried last).
 */
function lessWork(
  waves: number,
  tileN: number,
  bestWaves: number,
  bestTileN: number,
  tileM: number,
): boolean {
  return waves * tileM * tileN <= bestWaves * tileM * bestTileN;
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
  scheme?: QuantScheme,
): GemmEfficiencyFactors {
  const f = gemmFactors(shape, ceiling, cls, dtype, scheme);
  return {
    ceiling,
    tileQuantisation: f.tileQuantisation,
    waveQuantisation: f.waveQuantisation,
    reductionLength: f.reductionLength,
    ...(f.tiled && { tile: { m: f.tileM, n: f.tileN } }),
    ...(f.waves !== undefined && { waves: f.waves }),
    efficiency: f.efficiency,
  };
}

/** `gemmEfficiency`'s numbers, written in place (`gemmFactors`). */
export interface GemmFactors {
  tileQuantisation: number;
  waveQuantisation: number;
  reductionLength: number;
  efficiency: number;
  /** Whether the profile models a tile (then `tileM` × `tileN` is the one used). */
  tiled: boolean;
  tileM: number;
  tileN: number;
  waves: number | undefined;
  /** The kernel config's own weight stream (fraction of HBM bandwidth) where its data give one; else undefined. */
  streamEfficiency: number | undefined;
}

const factors: GemmFactors = {
  tileQuantisation: 1,
  waveQuantisation: 1,
  reductionLength: 1,
  efficiency: 0,
  tiled: false,
  tileM: 0,
  tileN: 0,
  waves: undefined,
  streamEfficiency: undefined,
};

/**
 * `gemmEfficiency` without allocating: the factors are written into one shared object, which the
 * next call overwrites — read what you need at once (`operatorTime` times every GEMM of every
 * layer of every step this way).
 * @example gemmFactors({ m: 7168, n: 4096, k: 4096, groups: 4 }, 0.865, profile910c).efficiency // ≈ 0.794
 */
export function gemmFactors(
  shape: OperatorShape,
  ceiling: number,
  cls: ClassProfile,
  dtype?: Dtype,
  scheme?: QuantScheme,
): Readonly<GemmFactors> {
  const groups = shape.groups ?? 1;
  const cores = cls.cores?.value;
  const tiled = chooseTile(shape, groups, cls, cores ?? Number.POSITIVE_INFINITY, dtype, scheme);
  let tileQuantisation = 1;
  let waveQuantisation = 1;
  if (tiled) {
    const paddedM = Math.ceil(shape.m / chosen.tileM) * chosen.tileM;
    const paddedN = Math.ceil(shape.n / chosen.tileN) * chosen.tileN;
    if (paddedM > 0 && paddedN > 0) tileQuantisation = (shape.m * shape.n) / (paddedM * paddedN);
    if (cores !== undefined && chosen.tiles > 0) waveQuantisation = chosen.tiles / (chosen.waves * cores);
  }
  const perFormat = dtype === undefined ? undefined : cls.kOverheadElementsByDtype?.[dtype];
  const kOverhead = (perFormat ?? cls.kOverheadElements)?.value ?? 0;
  const reductionLength = shape.k > 0 ? shape.k / (shape.k + kOverhead) : 1;
  factors.tileQuantisation = tileQuantisation;
  factors.waveQuantisation = waveQuantisation;
  factors.reductionLength = reductionLength;
  factors.efficiency = ceiling * tileQuantisation * waveQuantisation * reductionLength;
  factors.tiled = tiled;
  factors.tileM = chosen.tileM;
  factors.tileN = chosen.tileN;
  factors.waves = tiled && cores !== undefined ? chosen.waves : undefined;
  factors.streamEfficiency = fromKernelConfigs(fusedMoeStreamEfficiency, shape, cls, dtype, scheme);
  return factors;
}
