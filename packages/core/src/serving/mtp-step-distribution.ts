/**
 * The exact distribution of the number of decode steps S(n) a sequence needs to emit n tokens with
 * MTP: each step emits 1 + X tokens, X = min(G, d) with G geometric (each of the d drafts accepted
 * with probability p, the first rejection ends the run). Conditioning on the first step gives
 *
 *   P(S(n) = s) = Σ_j π_j · P(S(n − 1 − j) = s − 1),   S(m ≤ 0) = 0,
 *
 * with π_j = p^j (1 − p) for j < d and π_d = p^d. The table holds the cumulative distribution of
 * S(n) for every n up to a limit (computed once per MTP model, O(limit² · d)); a draw is one
 * uniform number and a binary search of one row (O(log n)), instead of one draw per token.
 */

/** Probabilities π_0..π_d of emitting 1 + j tokens in one step. */
export function stepTokenProbabilities(acceptance: number, draftTokens: number): Float64Array {
  const pi = new Float64Array(draftTokens + 1);
  let reach = 1;
  for (let j = 0; j < draftTokens; j++) {
    pi[j] = reach * (1 - acceptance);
    reach *= acceptance;
  }
  pi[draftTokens] = reach;
  return pi;
}

export class StepCountDistribution {
  /** Row n (s = 0..n) starts at offsets[n]. */
  private readonly offsets: Int32Array;
  private readonly cdf: Float64Array;

  /** @example new StepCountDistribution(stepTokenProbabilities(0.7, 1), 512).sample(255, 0.5) */
  constructor(
    pi: Float64Array,
    readonly limit: number,
  ) {
    this.offsets = new Int32Array(limit + 2);
    for (let n = 0; n <= limit; n++)
      (this.offsets as Int32Array)[n + 1] = (this.offsets[n] as number) + n + 1;
    const pmf = new Float64Array(this.offsets[limit + 1] as number);
    pmf[0] = 1; // S(0) = 0
    for (let n = 1; n <= limit; n++) {
      const row = this.offsets[n] as number;
      for (let j = 0; j < pi.length; j++) {
        const rest = Math.max(0, n - 1 - j);
        const from = this.offsets[rest] as number;
        const weight = pi[j] as number;
        for (let s = 0; s <= rest; s++)
          pmf[row + s + 1] = (pmf[row + s + 1] as number) + weight * (pmf[from + s] as number);
      }
    }
    for (let n = 0; n <= limit; n++) {
      const row = this.offsets[n] as number;
      for (let s = 1; s <= n; s++) pmf[row + s] = (pmf[row + s] as number) + (pmf[row + s - 1] as number);
    }
    this.cdf = pmf;
  }

  /** The number of steps for `tokens` (1..limit) tokens at uniform draw `u` ∈ [0, 1) (inversion). */
  sample(tokens: number, u: number): number {
    const row = this.offsets[tokens] as number;
    let lo = 0;
    let hi = tokens;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[row + mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** P(S(tokens) ≤ steps). */
  cumulative(tokens: number, steps: number): number {
    if (steps < 0) return 0;
    return this.cdf[(this.offsets[tokens] as number) + Math.min(steps, tokens)] as number;
  }
}
