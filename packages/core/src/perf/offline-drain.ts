/**
 * The drain of a finite offline run whose answers vary in length. The run is timed to its last
 * answer (trtllm-bench from the first request's start to the last one's end; MLPerf Offline to the
 * last sample's completion). Once the queue is empty the sequences in flight finish one by one. In a
 * run long enough to reach its steady state the population in flight is length-biased (a sequence is
 * in flight for as long as its answer) and each sequence is at a uniform point of its answer, so the
 * answer still owed, R, has P(R > t) = E[(L − t)⁺] / E[L] (renewal theory's residual life): with a
 * long-tailed answer the last sequences decode for up to the longest answer at a small batch.
 * A survivor of answer L, t tokens into the drain, attends prompt + (L + t) / 2 tokens on average
 * (its age is uniform on [0, L − t] plus t). The step is timed at the expected survivors given that
 * any survive, weighted by the probability that one does (the run ends with its longest residual).
 * docs/accuracy/the-long-answer-drain-of-a-finite-offline-run.md.
 */
import type { LengthPoint } from "../deploy/index.ts";
import type { InstancePerformance } from "./instance-performance.ts";

/** The drain: its expected duration, its steps (to the longest answer) and sequence-steps decoded. */
export interface ResidualDrain {
  readonly durationS: number;
  readonly steps: number;
  /** Σ over the drain's steps of the sequences decoding: the answer tokens owed ÷ tokens per step. */
  readonly sequenceSteps: number;
}

/** Windows the drain's steps are timed in (each at its middle step). */
const WINDOWS = 256;

/**
 * The drain of `sequences` in flight with answers drawn from `answers`, `prompt` the mean prompt.
 * @example residualDrain(perf, 100, [{ tokens: 10, weight: 1 }], 0).sequenceSteps // 100 × (10 + … + 1) / 10 = 550
 */
export function residualDrain(
  perf: InstancePerformance,
  sequences: number,
  answers: readonly LengthPoint[],
  prompt: number,
): ResidualDrain {
  const tau = perf.meanTokensPerDecodeStep;
  const mass = answers.reduce((a, p) => a + p.weight * p.tokens, 0);
  if (!(sequences > 0) || !(mass > 0)) return { durationS: 0, steps: 0, sequenceSteps: 0 };
  // Tokens owed per sequence in steps, exactly: an answer of L tokens at uniform age owes
  // Σ_{k < ⌈L/τ⌉} (L − kτ) over its L equally likely positions, ÷ L, weighted by L (length bias).
  let owed = 0;
  for (const p of answers) {
    const m = Math.ceil(p.tokens / tau - 1e-9);
    owed += p.weight * (m * p.tokens - (tau * m * (m - 1)) / 2);
  }
  const sequenceSteps = (sequences * owed) / mass;
  const longest = Math.max(...answers.map((p) => p.tokens));
  const steps = Math.ceil(longest / tau - 1e-9);
  // At t tokens into the drain: the surviving share, and its KV per sequence.
  const at = (t: number): { share: number; kvPerSequence: number } => {
    let share = 0;
    let kv = 0;
    for (const p of answers) {
      const left = p.tokens - t;
      if (left <= 0) continue;
      share += p.weight * left;
      kv += p.weight * left * (prompt + (p.tokens + t) / 2);
    }
    return { share: share / mass, kvPerSequence: share > 0 ? kv / share : 0 };
  };
  let durationS = 0;
  const width = Math.max(1, Math.ceil(steps / WINDOWS));
  for (let from = 0; from < steps; from += width) {
    const count = Math.min(width, steps - from);
    const { share, kvPerSequence } = at((from + (count - 1) / 2) * tau);
    if (share <= 0) continue;
    const alive = 1 - (1 - Math.min(1, share)) ** sequences;
    const batch = Math.max(1, (sequences * share) / alive);
    durationS += count * alive * perf.decodeStepS({ sequences: batch, kvTokens: batch * kvPerSequence });
  }
  return { durationS, steps, sequenceSteps };
}
