/**
 * Expected hottest-rank load of one step, including sampling noise, in the Gaussian limit. Rank k
 * expects a share p_k of the step's N routed (token, expert) assignments. The counts add up to N:
 * they are taken as independent Gaussians of variance σ_k² = φ N p_k (Poisson-type) conditioned on
 * their sum, which for equal shares has exactly the maximum of the unconditioned draws (max X =
 * max Y − (ΣY − N)/R), and so E[max] = ∫₀^∞ (1 − Π_k Φ((x − N p_k) / σ_k)) dx, integrated
 * numerically. (Independent Binomial(N, p_k) variances N p_k (1 − p_k), used before 2026-12-07, drop
 * the negative correlation of the ranks and give too small a maximum: two equal ranks μ + σ/√π
 * instead of the exact μ + σ√(2/π).) φ is 1 for independent picks; expert-imbalance-max.ts passes
 * (E − k)/(E − 1) for k distinct experts of E a token.
 */

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Expected maximum over ranks of the step's per-rank load, ÷ the mean load (≥ 1).
 * `shares` are the ranks' expected load shares (any scale); `assignments` is N; `varianceScale` is φ.
 * @example expectedMaxRankLoad([1, 1], 1e12) // ≈ 1 (no noise at huge N)
 */
export function expectedMaxRankLoad(
  shares: readonly number[],
  assignments: number,
  varianceScale = 1,
): number {
  const total = shares.reduce((a, b) => a + b, 0);
  const r = shares.length;
  if (r === 0 || total <= 0 || assignments <= 0) return 1;
  const mean = assignments / r;
  const mu = new Float64Array(r);
  const sigma = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    const s = shares[k] ?? 0;
    const p = s / total;
    mu[k] = (assignments * s) / total;
    sigma[k] = Math.sqrt(assignments * p * varianceScale);
  }
  // Below lo the hottest rank is almost surely above x (integrand 1); above hi every rank is below.
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < r; k++) {
    lo = Math.max(lo, (mu[k] as number) - 9 * (sigma[k] as number));
    hi = Math.max(hi, (mu[k] as number) + 9 * (sigma[k] as number));
  }
  const steps = 2000;
  const dx = (hi - lo) / steps;
  const ranks = new UncertainRanks(mu, sigma);
  let integral = lo;
  for (let j = 0; j < steps; j++) {
    const x = lo + (j + 0.5) * dx;
    ranks.dropCertainAt(x);
    integral += (1 - ranks.allBelow(x)) * dx;
  }
  return Math.max(1, integral / mean);
}

/**
 * The ranks whose factor Φ((x − μ_k) / σ_k) can still differ from 1, in rank order, as x grows.
 * A rank's factor is exactly 1 in double precision from z ≥ 8.25 (CERTAIN_Z with a margin), so
 * from x ≥ μ_k + CERTAIN_Z·σ_k on it is dropped: multiplying by 1 changes no bit, and the product
 * is formed over the remaining ranks in the same order as over all of them. A rank without noise
 * (σ not > 0) has the factor 1 from x ≥ μ_k on, 0 below.
 */
class UncertainRanks {
  private n: number;
  private readonly index: Int32Array;
  private readonly mu: Float64Array;
  private readonly sigma: Float64Array;
  private readonly certainFrom: Float64Array;
  /** The smallest `certainFrom` among the ranks kept (NaN ones are never dropped). */
  private nextDrop = Number.POSITIVE_INFINITY;

  constructor(mu: Float64Array, sigma: Float64Array) {
    const r = mu.length;
    this.n = r;
    this.index = new Int32Array(r);
    this.mu = new Float64Array(mu);
    this.sigma = new Float64Array(sigma);
    this.certainFrom = new Float64Array(r);
    for (let k = 0; k < r; k++) {
      const s = sigma[k] as number;
      const m = mu[k] as number;
      this.index[k] = k;
      this.certainFrom[k] = s > 0 ? m + CERTAIN_Z * s : m;
    }
    this.updateNextDrop();
  }

  /** Drops the ranks whose factor is exactly 1 at x and above (x only grows between calls). */
  dropCertainAt(x: number): void {
    if (!(x >= this.nextDrop)) return;
    let kept = 0;
    for (let a = 0; a < this.n; a++) {
      if (x >= (this.certainFrom[a] as number)) continue;
      this.index[kept] = this.index[a] as number;
      this.mu[kept] = this.mu[a] as number;
      this.sigma[kept] = this.sigma[a] as number;
      this.certainFrom[kept] = this.certainFrom[a] as number;
      kept++;
    }
    this.n = kept;
    this.updateNextDrop();
  }

  /** Π_k Φ((x − μ_k) / σ_k) over the kept ranks, in rank order. */
  allBelow(x: number): number {
    let product = 1;
    // Every factor is in [0, 1], so the product only falls; once it is at most 2⁻⁵⁴, 1 − product
    // rounds to exactly 1 whatever the remaining factors are, and they need not be computed.
    for (let a = 0; a < this.n && product > NEGLIGIBLE; a++) {
      const s = this.sigma[a] as number;
      const m = this.mu[a] as number;
      product *= s > 0 ? normalCdf((x - m) / s) : x >= m ? 1 : 0;
    }
    return product;
  }

  private updateNextDrop(): void {
    let next = Number.POSITIVE_INFINITY;
    for (let a = 0; a < this.n; a++)
      if ((this.certainFrom[a] as number) < next) next = this.certainFrom[a] as number;
    this.nextDrop = next;
  }
}

/** Half an ulp of 1 below it (2⁻⁵⁴): 1 − a === 1 for every a in [0, 2⁻⁵⁴] (round to nearest, ties to even). */
const NEGLIGIBLE = 2 ** -54;

/**
 * A z-score at which `normalCdf` is exactly 1 (it is from z ≈ 8.2454 on; rank-load-max.test.ts
 * checks), with a margin for the rounding of μ + z·σ.
 */
export const CERTAIN_Z = 8.3;
