/**
 * Expected hottest-rank load of one step, including sampling noise. Rank k expects a share p_k of
 * the step's N routed (token, expert) assignments; its actual count is taken as Binomial(N, p_k),
 * approximated by a Gaussian. The ranks are treated as independent, and the expected maximum is
 * E[max] = ∫₀^∞ (1 − Π_k Φ((x − N p_k) / σ_k)) dx, integrated numerically.
 */

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Expected maximum over ranks of the step's per-rank load, ÷ the mean load (≥ 1).
 * `shares` are the ranks' expected load shares (any scale); `assignments` is N.
 * @example expectedMaxRankLoad([1, 1], 1e12) // ≈ 1 (no noise at huge N)
 */
export function expectedMaxRankLoad(shares: readonly number[], assignments: number): number {
  const total = shares.reduce((a, b) => a + b, 0);
  const r = shares.length;
  if (r === 0 || total <= 0 || assignments <= 0) return 1;
  const mean = assignments / r;
  const mu = new Float64Array(r);
  const sigma = new Float64Array(r);
  // Where rank k's factor Φ((x − μ_k) / σ_k) is exactly 1 in double precision (z ≥ 8.25 already
  // is): above it the rank is skipped, which leaves the product bit for bit the same.
  const certain = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    const s = shares[k] ?? 0;
    const p = s / total;
    mu[k] = (assignments * s) / total;
    sigma[k] = Math.sqrt(assignments * p * (1 - p));
    certain[k] = (sigma[k] as number) > 0 ? (mu[k] as number) + CERTAIN_Z * (sigma[k] as number) : Number.NaN;
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
  let integral = lo;
  for (let j = 0; j < steps; j++) {
    const x = lo + (j + 0.5) * dx;
    let allBelow = 1;
    // Every factor is in [0, 1], so the product only falls; once it is at most 2⁻⁵⁴, 1 − product
    // rounds to exactly 1 whatever the remaining factors are, and they need not be computed.
    for (let k = 0; k < r && allBelow > NEGLIGIBLE; k++) {
      if (x >= (certain[k] as number)) continue;
      const s = sigma[k] as number;
      const m = mu[k] as number;
      allBelow *= s > 0 ? normalCdf((x - m) / s) : x >= m ? 1 : 0;
    }
    integral += (1 - allBelow) * dx;
  }
  return Math.max(1, integral / mean);
}

/** Half an ulp of 1 below it (2⁻⁵⁴): 1 − a === 1 for every a in [0, 2⁻⁵⁴] (round to nearest, ties to even). */
const NEGLIGIBLE = 2 ** -54;

/** A z-score well above where `normalCdf` rounds to exactly 1 (8.25). */
const CERTAIN_Z = 9;
