/**
 * The expected hottest rank's routed-expert load in one step, ÷ the mean over ranks (≥ 1).
 *
 * Mechanism. A step routes T tokens, each to k distinct experts of E; rank r holds experts whose
 * expected share of the N = T·k (token, expert) assignments is p_r. Its count S_r is a sum over the
 * tokens, and the counts add up to N exactly (the ranks are negatively correlated: one rank's
 * excess is the others' shortfall).
 *
 * 1. *With replacement* (each of the N picks an independent draw with probabilities p_r) the counts
 *    are Multinomial(N, p), and P(max ≤ m) is exact as conditional Poisson:
 *    P(all Po(N p_r) ≤ m | Σ Po = N) = [⊛_r Po(N p_r)·1{≤ m}](N) ÷ Po(N; N)
 *    (a convolution of the truncated probability tables, read at N). E[max] = Σ_m P(max > m).
 *    Exact at any N, for equal or skewed shares; its cost grows as ranks × N × m per m, so it runs
 *    only under EXACT_BUDGET (every small-token step; see `exactCost`).
 * 2. *Gaussian* beyond that: the counts' covariance N(diag p − p pᵀ)·φ, conditioned on the fixed
 *    total. For equal shares that is exactly μ + √(φ N p)·E[max of R standard normals] (independent
 *    draws of variance φ N p, conditioned on their sum, keep the same maximum: max X = max Y − (ΣY −
 *    N)/R); rank-load-max.ts integrates it with variance φ N p_r per rank, also for skewed shares
 *    (where conditioning on the sum lowers the maximum a little more: an upper approximation).
 * 3. *Distinct experts within a token* (no replacement): a token's count on a group of experts is
 *    hypergeometric, so the covariance of the per-rank counts is the multinomial's times
 *    φ = (E − k)/(E − 1), for any grouping of uniformly popular experts. The exact path (1) draws with
 *    replacement; its excess over the noise-free hottest share is scaled by the Gaussian excess at φ
 *    over that at 1 (both from (2)): exact for top-1, and φ's first-order effect for k > 1
 *    (Qwen3's 8 of 128: φ = 0.945). For skewed popularity φ is the uniform one (an approximation:
 *    drawing without replacement damps hot experts' counts a little more).
 *
 * A fractional N (sequences split over microbatches) interpolates E[max] linearly between ⌊N⌋ and ⌈N⌉.
 */

import { SupernodeError } from "../spec/index.ts";
import { expectedMaxRankLoad, normalCdf } from "./rank-load-max.ts";

/** Multiply-adds the exact path may spend on one integer N (≈ 5 ms). */
export const EXACT_BUDGET = 2e6;

/** Where the distinct-pick correction comes from: k experts a token, of E. */
export interface DistinctPicks {
  readonly topK: number;
  readonly experts: number;
}

/**
 * Expected hottest-rank load ÷ the mean load, for ranks with expected load `shares` (any scale)
 * and `assignments` (token, expert) pairs in the step.
 * @example expectedMaxLoadFactor([1, 1, 1, 1], 8) // ≈ 1.769 (exact multinomial, 8 picks over 4 ranks)
 * @example expectedMaxLoadFactor([1, 1], 1e12) // ≈ 1
 */
export function expectedMaxLoadFactor(
  shares: readonly number[],
  assignments: number,
  distinct?: DistinctPicks,
): number {
  checkInput(shares, assignments, distinct);
  const r = shares.length;
  const total = shares.reduce((a, b) => a + b, 0);
  if (r <= 1 || total <= 0 || assignments <= 0) return 1;
  const p = shares.map((s) => s / total);
  const phi = distinctVariance(distinct);
  const noiseFree = Math.max(...p) * r;
  const equal = p.every((pk) => Math.abs(pk * r - 1) < 1e-12);
  const gauss = (scale: number) =>
    equal
      ? equalShareGaussian(r, assignments, scale)
      : expectedMaxRankLoad(shares, assignments, scale) +
        (skewCorrection(p, assignments, scale) * r) / assignments;
  const exact = exactMaxLoad(p, assignments);
  if (exact === undefined) return Math.max(1, gauss(phi));
  const exactFactor = Math.max(1, (exact * r) / assignments);
  if (phi === 1) return exactFactor;
  const g1 = gauss(1) - noiseFree;
  const scale = g1 > 1e-12 ? Math.max(0, gauss(phi) - noiseFree) / g1 : 1;
  return Math.max(1, noiseFree + (exactFactor - noiseFree) * scale);
}

/**
 * The first-order (Edgeworth) skewness term of E[max] in counts: a count of variance σ² = φλ and
 * third cumulant φλ (Poisson-type) has CDF ≈ Φ(w) − ϕ(w)(w² − 1)/(6σ), which raises the expected
 * maximum by ∫ Σ_k ϕ(w_k)(w_k² − 1)/(6σ_k) Π_{j≠k} Φ(w_j) dx. For equal ranks it is
 * (E[Z²_max] − 1)/6: 0.23 counts at R = 8, what the Gaussian misses against the exact multinomial.
 */
export function skewCorrection(p: readonly number[], n: number, phi: number): number {
  const r = p.length;
  const mu = new Float64Array(r);
  const sigma = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    const pk = p[k] as number;
    mu[k] = pk * n;
    sigma[k] = Math.sqrt(pk * n * phi);
  }
  // Below lo some rank is almost surely above x (every other rank's product term is 0); above hi
  // every density term is 0.
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < r; k++) {
    lo = Math.max(lo, (mu[k] as number) - 9 * (sigma[k] as number));
    hi = Math.max(hi, (mu[k] as number) + 9 * (sigma[k] as number));
  }
  if (!(hi > lo)) return 0;
  const steps = 500; // a correction of a fraction of a count: 500 midpoints keep it to < 1e-4 counts
  const dx = (hi - lo) / steps;
  const cdf = new Float64Array(r);
  const z = new Float64Array(r); // each rank's standardized x, computed once per midpoint
  const suffix = new Float64Array(r + 1);
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const x = lo + (i + 0.5) * dx;
    for (let k = 0; k < r; k++) {
      const s = sigma[k] as number;
      const m = mu[k] as number;
      if (s > 0) {
        const w = (x - m) / s;
        z[k] = w;
        cdf[k] = normalCdf(w);
      } else cdf[k] = x >= m ? 1 : 0;
    }
    suffix[r] = 1;
    for (let k = r - 1; k >= 0; k--) suffix[k] = (suffix[k + 1] as number) * (cdf[k] as number);
    let prefix = 1;
    for (let k = 0; k < r; k++) {
      const s = sigma[k] as number;
      if (s > 0) {
        const w = z[k] as number;
        const density = Math.exp(-0.5 * w * w) / SQRT_2PI;
        sum += ((density * (w * w - 1)) / (6 * s)) * prefix * (suffix[k + 1] as number);
      }
      prefix *= cdf[k] as number;
    }
  }
  return sum * dx;
}

/** √(2π), the standard normal density's denominator. */
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Equal shares: μ + σ·E[Z_max] + (E[Z²_max] − 1)/6 over μ, σ² = φμ, with the moments of the maximum of
 * R standard normals (`maxNormalMoments`): the Gaussian path of `expectedMaxLoadFactor` in closed form.
 */
function equalShareGaussian(r: number, n: number, phi: number): number {
  const [e1, e2] = maxNormalMoments(r);
  const mu = n / r;
  return 1 + (Math.sqrt(phi * mu) * e1 + (e2 - 1) / 6) / mu;
}

const momentCache = new Map<number, readonly [number, number]>();

/**
 * E[Z_max] and E[Z²_max] for the maximum of r independent standard normals (density r Φ^{r−1} ϕ),
 * midpoint rule on [−12, 12] with 6,000 points (error < 1e-9). E[Z_max]: 0.5642 at r = 2, 1.0294 at 4, 1.4236 at 8.
 */
export function maxNormalMoments(r: number): readonly [number, number] {
  const hit = momentCache.get(r);
  if (hit !== undefined) return hit;
  const steps = 6000;
  const dz = 24 / steps;
  let e1 = 0;
  let e2 = 0;
  for (let i = 0; i < steps; i++) {
    const z = -12 + (i + 0.5) * dz;
    const w = r * normalCdf(z) ** (r - 1) * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)) * dz;
    e1 += z * w;
    e2 += z * z * w;
  }
  const moments = [e1, e2] as const;
  momentCache.set(r, moments);
  return moments;
}

/** φ = (E − k)/(E − 1): the variance left when a token's k experts are distinct; 1 without. */
export function distinctVariance(distinct: DistinctPicks | undefined): number {
  if (distinct === undefined) return 1;
  const { topK: k, experts: e } = distinct;
  if (e <= 1 || k <= 1) return 1;
  return Math.max(0, (e - k) / (e - 1));
}

function checkInput(
  shares: readonly number[],
  assignments: number,
  distinct: DistinctPicks | undefined,
): void {
  const bad = (what: string) =>
    new SupernodeError("invalid-value", `expert-imbalance-max.ts: ${what}`, {
      fieldPath: ["deployment", "expertImbalance"],
    });
  if (!Number.isFinite(assignments) || assignments < 0)
    throw bad(`routed assignments must be a finite number ≥ 0, got ${assignments}`);
  shares.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0) throw bad(`rank ${i}'s load share must be finite and ≥ 0, got ${s}`);
  });
  if (distinct !== undefined) {
    const { topK, experts } = distinct;
    if (!Number.isInteger(topK) || topK < 1 || !Number.isInteger(experts) || experts < topK)
      throw bad(`top-k must be an integer in 1…experts, got top-${topK} of ${experts} experts`);
  }
}

/** E[max count] under Multinomial(N, p), N fractional by interpolation; undefined over budget. */
function exactMaxLoad(p: readonly number[], n: number): number | undefined {
  const lo = Math.floor(n);
  const hi = Math.ceil(n);
  const eHi = exactMaxCount(p, hi);
  if (eHi === undefined || lo === hi) return eHi;
  const eLo = lo === 0 ? 0 : exactMaxCount(p, lo);
  return eLo === undefined ? undefined : eLo + (n - lo) * (eHi - eLo);
}

/** Largest m worth summing: P(max > m) is below 1e-16 by a Poisson tail bound (8.5 σ + 8). */
function mHigh(p: readonly number[], n: number): number {
  const lambda = Math.max(...p) * n;
  return Math.min(n, Math.ceil(lambda + 8.5 * Math.sqrt(lambda) + 8));
}

/** Multiply-adds of `exactMaxCount` for these inputs (an upper estimate). */
export function exactCost(ranks: number, n: number, maxShare: number): number {
  const mLo = Math.ceil(n / ranks);
  const mHi = Math.min(n, Math.ceil(maxShare * n + 8.5 * Math.sqrt(maxShare * n) + 8));
  return Math.max(1, mHi - mLo + 1) * ranks * Math.min(n + 1, ranks * mHi) * (mHi + 1);
}

/** E[max_r S_r] for S ~ Multinomial(n, p), n an integer ≥ 1; undefined where it costs over the budget. */
export function exactMaxCount(p: readonly number[], n: number): number | undefined {
  const r = p.length;
  if (exactCost(r, n, Math.max(...p)) > EXACT_BUDGET) return undefined;
  const mLo = Math.ceil(n / r); // all counts ≤ m < ⌈n / r⌉ cannot add up to n
  const mHi = mHigh(p, n);
  const tables = p.map((pr) => poissonTable(pr * n, mHi));
  const poissonAtN = Math.exp(logPoisson(n, n));
  let expected = mLo; // P(max > m) = 1 for m < mLo
  const cur = new Float64Array(n + 1);
  const next = new Float64Array(n + 1);
  for (let m = mLo; m < mHi; m++) {
    const below = allAtMost(tables, m, n, cur, next) / poissonAtN;
    const above = 1 - Math.min(1, below);
    expected += above;
    if (above < 1e-16) break;
  }
  return expected;
}

/** Po(λ; j) for j = 0 … top (log-space recursion: no overflow at large λ). */
function poissonTable(lambda: number, top: number): Float64Array {
  const t = new Float64Array(top + 1);
  if (lambda <= 0) {
    t[0] = 1;
    return t;
  }
  const logLambda = Math.log(lambda);
  let log = -lambda;
  for (let j = 0; j <= top; j++) {
    if (j > 0) log += logLambda - Math.log(j);
    t[j] = Math.exp(log);
  }
  return t;
}

function logPoisson(lambda: number, j: number): number {
  let log = -lambda + j * Math.log(lambda);
  for (let i = 2; i <= j; i++) log -= Math.log(i);
  return log;
}

/** [⊛_r table_r truncated at m](n): P(every Po_r ≤ m and Σ = n). Only sums that can still reach n are kept. */
function allAtMost(
  tables: readonly Float64Array[],
  m: number,
  n: number,
  cur: Float64Array,
  next: Float64Array,
): number {
  const r = tables.length;
  cur.fill(0);
  cur[0] = 1;
  let top = 0; // highest sum with mass so far
  for (let k = 0; k < r; k++) {
    const t = tables[k] as Float64Array;
    const jMax = Math.min(m, t.length - 1);
    const newTop = Math.min(n, top + jMax);
    const floor = Math.max(0, n - (r - 1 - k) * m); // sums below this cannot reach n with the ranks left
    next.fill(0, 0, newTop + 1);
    for (let s = floor; s <= newTop; s++) {
      let acc = 0;
      const jFrom = Math.max(0, s - top);
      const jTo = Math.min(jMax, s);
      for (let j = jFrom; j <= jTo; j++) acc += (cur[s - j] as number) * (t[j] as number);
      next[s] = acc;
    }
    cur.set(next.subarray(0, newTop + 1));
    top = newTop;
  }
  return cur[n] ?? 0;
}
