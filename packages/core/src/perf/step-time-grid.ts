/**
 * The grid a step time is evaluated on and interpolated over (`step-instance-performance.ts`):
 * batch sizes exactly up to 64, then on a geometric grid 5 % apart; a prefill's new tokens every 64
 * up to 8,192 first, so that tile-aligned chunks fall on grid points; mean context every 256 tokens;
 * the cached context read per new token at 0, 1, 2, 4, …. `interpolate` is bilinear over batch ×
 * context, `memoGrid` memoises a step function per grid point.
 */

const EXACT_BELOW = 64;
const GROWTH = 1.05;
const CONTEXT_STEP = 256;
const LOG_GROWTH = Math.log(GROWTH);

/** Grid neighbours of a batch size: exact integers up to 64, then 64 × 1.05^k; `index` numbers `lo` on the grid. */
export function batchGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  if (x <= EXACT_BELOW) {
    const lo = Math.max(1, Math.floor(x));
    const hi = Math.max(1, Math.ceil(x));
    return { lo, hi, w: hi === lo ? 0 : (x - lo) / (hi - lo), index: lo };
  }
  const k = Math.floor(Math.log(x / EXACT_BELOW) / LOG_GROWTH);
  const lo = EXACT_BELOW * GROWTH ** k;
  const hi = EXACT_BELOW * GROWTH ** (k + 1);
  return { lo, hi, w: (x - lo) / (hi - lo), index: EXACT_BELOW + 1 + k };
}

const TOKEN_STEP = 64;
const TOKEN_STEPS_UP_TO = 8192;

/**
 * Grid of a prefill's new tokens: exact up to 64, then every 64 tokens up to 8,192 (GEMM row
 * tiles: between grid points 5 % apart a 512-token chunk would be interpolated between 4 and 5
 * tiles of 128 rows), then the batch grid's points (64 × 1.05^k).
 */
export function tokenGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  if (x <= EXACT_BELOW) return batchGrid(x);
  if (x <= TOKEN_STEPS_UP_TO) {
    const j = Math.floor(x / TOKEN_STEP);
    const lo = j * TOKEN_STEP;
    return { lo, hi: lo + TOKEN_STEP, w: (x - lo) / TOKEN_STEP, index: EXACT_BELOW + j };
  }
  const g = batchGrid(x);
  // a point of the batch grid at or above 8,192 whose lower neighbour is below it: start from 8,192
  const lo = Math.max(g.lo, TOKEN_STEPS_UP_TO);
  return { lo, hi: g.hi, w: (x - lo) / (g.hi - lo), index: g.index + TOKEN_STEPS_UP_TO };
}

function contextGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  const index = Math.floor(Math.max(0, x) / CONTEXT_STEP);
  const lo = index * CONTEXT_STEP;
  return { lo, hi: lo + CONTEXT_STEP, w: (Math.max(0, x) - lo) / CONTEXT_STEP, index };
}

/** Grid of cached-context tokens read per new token (prefill): 0, then 1, 2, 4, … (step time is convex in it). */
export function cachedGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  if (x < 1) return { lo: 0, hi: 1, w: Math.max(0, x), index: 0 };
  const k = Math.floor(Math.log2(x));
  const lo = 2 ** k;
  return { lo, hi: 2 * lo, w: (x - lo) / lo, index: k + 1 };
}

/** A grid point's memo key: a whole number from the batch and context indices (no string building). */
const gridKey = (batchIndex: number, contextIndex: number): number => batchIndex * 2 ** 26 + contextIndex;

/**
 * Bilinear interpolation of `f` over the batch × context grid (`key` identifies the grid point).
 * A neighbour whose weight is 0 (a batch or a context on a grid point: a decode step's KV-free part
 * at context 0, a mean context of 1,536) is not evaluated — each new grid point is a step-model
 * call — and the value is its other neighbour's, which is what weighting a finite neighbour by 0
 * gives (x · 1 + y · 0 = x).
 */
export function interpolate(
  batch: number,
  context: number,
  f: (b: number, c: number, key: number) => number,
  grid: typeof batchGrid = batchGrid,
): number {
  const b = grid(batch);
  const c = contextGrid(context);
  const alongContext = (sequences: number, batchIndex: number): number =>
    c.w === 0
      ? f(sequences, c.lo, gridKey(batchIndex, c.index))
      : f(sequences, c.lo, gridKey(batchIndex, c.index)) * (1 - c.w) +
        f(sequences, c.hi, gridKey(batchIndex, c.index + 1)) * c.w;
  const low = alongContext(b.lo, b.index);
  if (b.w === 0) return low;
  return low * (1 - b.w) + alongContext(b.hi, b.index + 1) * b.w;
}

/** A step time at one grid point (`key` identifies the point). */
export type GridStep = (sequences: number, meanContext: number, key: number) => number;

/** `step` memoised per grid point. */
export function memoGrid(step: (sequences: number, meanContext: number) => number): GridStep {
  const memo = new Map<number, number>();
  return (sequences, meanContext, key) => {
    let t = memo.get(key);
    if (t === undefined) {
      t = step(sequences, meanContext);
      memo.set(key, t);
    }
    return t;
  };
}
