/**
 * Multi-token prediction in the serving simulator: each decode step of a sequence emits 1 + X
 * tokens, X the number of leading draft tokens accepted (each accepted with probability p, the
 * first rejection ends the run). The step model gives the mean tokens per step; with `d` drafts p
 * solves 1 + p + … + p^d = mean. A sequence's number of steps is drawn once, when it joins a
 * decode batch, from its exact distribution (mtp-step-distribution.ts: one uniform number per
 * request, no per-token work): the step at which it finishes is then known, so the simulator never
 * touches a sequence between joining and finishing. Outputs longer than `EXACT_LIMIT` tokens draw
 * their step count from the renewal CLT instead (same mean and variance, O(1)).
 */

import { memoByObject } from "../spec/index.ts";
import { StepCountDistribution, stepTokenProbabilities } from "./mtp-step-distribution.ts";
import type { Rng } from "./rng.ts";

/** Outputs up to this length are drawn from the exact step-count distribution; longer ones by the renewal CLT (O(1)). */
export const EXACT_LIMIT = 512;

/** The exact step-count table of each MTP model, built on first use. */
const tableOf = memoByObject(
  (mtp: MtpModel) =>
    new StepCountDistribution(stepTokenProbabilities(mtp.acceptance, mtp.draftTokens), EXACT_LIMIT),
);

export interface MtpModel {
  readonly draftTokens: number;
  /** Per-draft acceptance probability. */
  readonly acceptance: number;
  readonly meanTokensPerStep: number;
  readonly sampling: "per-step" | "mean";
}

/**
 * @example mtpModel(1.7, 1, "per-step").acceptance // 0.7
 */
export function mtpModel(
  meanTokensPerStep: number,
  draftTokens: number,
  sampling: "per-step" | "mean",
): MtpModel {
  if (!(meanTokensPerStep > 1)) return { draftTokens: 0, acceptance: 0, meanTokensPerStep: 1, sampling };
  const d = Math.max(draftTokens, Math.ceil(meanTokensPerStep - 1 - 1e-12));
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const p = (lo + hi) / 2;
    let mean = 1;
    let term = 1;
    for (let k = 0; k < d; k++) {
      term *= p;
      mean += term;
    }
    if (mean < meanTokensPerStep) lo = p;
    else hi = p;
  }
  return { draftTokens: d, acceptance: (lo + hi) / 2, meanTokensPerStep, sampling };
}

/**
 * Decode steps a sequence needs to emit `tokens` more tokens.
 * @example decodeStepsFor(mtpModel(1, 1, "per-step"), 255, rng) // 255
 */
export function decodeStepsFor(mtp: MtpModel, tokens: number, rng: Rng): number {
  if (tokens <= 0) return 0;
  if (mtp.draftTokens === 0) return tokens;
  if (mtp.sampling === "mean") return Math.ceil(tokens / mtp.meanTokensPerStep);
  if (tokens > EXACT_LIMIT) return renewalSteps(mtp, tokens, rng);
  return tableOf(mtp).sample(tokens, rng.uniform());
}

/**
 * Steps to emit `tokens` tokens when each step emits X tokens (X i.i.d., mean m, variance v): by
 * the renewal central limit theorem, normal with mean tokens/m and variance tokens·v/m³. Used for
 * long outputs so the cost per request stays O(1); clamped to the possible range.
 */
function renewalSteps(mtp: MtpModel, tokens: number, rng: Rng): number {
  const p = mtp.acceptance;
  let mean = 0;
  let square = 0;
  let reach = 1; // P(the first k drafts are all accepted)
  for (let k = 0; k <= mtp.draftTokens; k++) {
    const probability = k < mtp.draftTokens ? reach * (1 - p) : reach;
    mean += probability * (1 + k);
    square += probability * (1 + k) ** 2;
    reach *= p;
  }
  const variance = square - mean * mean;
  const steps = Math.round(tokens / mean + Math.sqrt((tokens * variance) / mean ** 3) * rng.normal());
  const fewest = Math.ceil(tokens / (1 + mtp.draftTokens));
  return Math.min(tokens, Math.max(fewest, steps));
}
