/**
 * A finite offline run with whole prompts (chunked prefill off: TensorRT-LLM under trtllm-bench),
 * played iteration by iteration. All N requests are queued at once; each iteration the scheduler
 * admits the prompts that fit beside the decoding sequences — per attention-DP rank, whole prompts
 * into max_num_tokens less the generation tokens (`promptsPerRankUnchunked`), and never more
 * sequences than max_batch_size or the KV cache hold — and a request then lives one context
 * iteration plus (O − 1)/τ decode steps. Admission is therefore staggered: the batch ramps up over
 * B / p iterations, completions follow the same stagger, and the last requests drain one cohort at
 * a time; the N mod B left over overlaps the previous batch instead of forming a wave of its own.
 * trtllm-bench reports N·O over the whole run, from the first request's start to the last one's
 * end (`StatsKeeper.generate_statistics_summary`, tensorrt_llm/bench/dataclasses/reporting.py).
 *
 * Event-driven: requests admitted in the same iteration (a cohort) finish together, so the batch
 * changes only at admissions and departures. An iteration that admits is a mixed iteration
 * (`mixedStepS`); between events the decode-only steps at a fixed batch are timed at the window's
 * mean KV length (exact where the step is linear in the KV). docs/step-model.md §12.
 */
import type { LengthPoint } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { promptsPerRankUnchunked } from "./dp-prefill.ts";
import type { InstancePerformance } from "./instance-performance.ts";
import { residualDrain } from "./offline-drain.ts";

/** The run's fixed lengths, the scheduler's per-instance token budget and its attention-DP ranks. */
export interface PipelinedRunShape {
  readonly prompt: number;
  readonly output: number;
  /** Token budget of the instance (ranks × max_num_tokens). */
  readonly budget: number;
  /** Decode tokens per sequence charged to the budget (1 + draft tokens). */
  readonly decodeTokensCharged: number;
  readonly dp: number;
  /**
   * With a length distribution (offline-lengths.ts): the decode context per sequence and the
   * prompt token pairs per prompt token. The run plays the mean lengths and shifts every decoding
   * sequence's KV by decodeContext − (prompt + output / 2); absent, fixed lengths (no shift).
   */
  readonly decodeContext?: number;
  readonly promptPairsPerToken?: number;
  /**
   * A model with chunked attention layers (Llama 4): their chunk in tokens. A decode window is then
   * timed piecewise between the steps where the mean context crosses a chunk boundary, each piece at
   * its own mean (a chunked layer's keys restart at each boundary, so the step is not linear in the KV
   * across one); absent, one mean per window.
   */
  readonly attentionChunk?: number;
  /**
   * Answers of varying length: their distribution's points. A run that reaches its steady state (the
   * last admission at least two mean answers in) then drains from the residual distribution
   * (offline-drain.ts) instead of mean-length cohorts, and its steady phase is shorter by the
   * sequence-steps the drain takes over (the run still decodes N × E[O] tokens); absent, cohorts drain.
   */
  readonly answers?: readonly LengthPoint[];
}

/** What the run took: its duration, iterations, and the largest batch it held. */
export interface PipelinedRun {
  readonly durationS: number;
  readonly iterations: number;
  readonly peakSequences: number;
  /** The iterations that admitted prompts (mixed iterations) and the time they took; the rest are decode-only. */
  readonly promptIterations: number;
  readonly promptIterationsS: number;
}

interface Cohort {
  readonly start: number;
  readonly sequences: number;
}

/**
 * Plays `requests` fixed-length requests through an instance holding at most `maxSequences` at once.
 * @example pipelinedRun(perf, 3000, 1280, { prompt: 1024, output: 1024, budget: 2560, decodeTokensCharged: 1, dp: 1 }).durationS
 */
export function pipelinedRun(
  perf: InstancePerformance,
  requests: number,
  maxSequences: number,
  shape: PipelinedRunShape,
): PipelinedRun {
  const { prompt, dp } = shape;
  const tau = perf.meanTokensPerDecodeStep;
  // A request's iterations: its context (which emits the first token), then the decode steps.
  const lifetime = 1 + Math.ceil(Math.max(0, shape.output - 1) / tau - 1e-9);
  const cohorts: Cohort[] = [];
  let head = 0; // first cohort still running
  let queued = requests;
  let decoding = 0; // sequences of the running cohorts
  let startSum = 0; // Σ sequences × start over the running cohorts (their KV length follows from it)
  let t = 0;
  let durationS = 0;
  let peak = 0;
  let promptIterations = 0;
  let promptIterationsS = 0;
  // KV tokens of the running cohorts at iteration `at` (prompt plus τ tokens per step taken), plus
  // a length distribution's extra decode context (0 for fixed lengths).
  const extra = shape.decodeContext === undefined ? 0 : shape.decodeContext - (prompt + shape.output / 2);
  const pairs = shape.promptPairsPerToken ?? (prompt + 1) / 2;
  const kvAt = (at: number): number =>
    decoding * (prompt + extra) + tau * Math.max(0, decoding * at - startSum);
  while (queued > 0 || head < cohorts.length) {
    // Cohorts whose last iteration is behind leave the batch.
    while (head < cohorts.length && (cohorts[head] as Cohort).start + lifetime <= t) {
      const c = cohorts[head] as Cohort;
      decoding -= c.sequences;
      startSum -= c.sequences * c.start;
      head += 1;
    }
    if (queued === 0 && shape.answers !== undefined && decoding > 0 && t >= 2 * lifetime) {
      // The queue is empty in the steady state: the sequences in flight drain from the residual
      // distribution. Σ of the cohorts' remaining steps is what the mean-length picture still owes.
      let owed = 0;
      for (let k = head; k < cohorts.length; k += 1) {
        const c = cohorts[k] as Cohort;
        owed += c.sequences * (c.start + lifetime - t);
      }
      const drain = residualDrain(perf, decoding, shape.answers, prompt);
      const full = perf.decodeStepS({ sequences: decoding, kvTokens: kvAt(t) });
      const takenOver = (drain.sequenceSteps - owed) / decoding; // steady steps the drain decodes instead
      durationS += drain.durationS - takenOver * full;
      t += Math.max(0, Math.round(drain.steps - takenOver));
      break;
    }
    const room = Math.max(0, maxSequences - decoding);
    const perRank =
      queued > 0 && room > 0
        ? promptsPerRankUnchunked({
            rankBudgetTokens: shape.budget / dp,
            rankDecodeTokens: (shape.decodeTokensCharged * decoding) / dp,
            promptTokens: prompt,
          })
        : 0;
    const admitted = Math.min(queued, room, perRank * dp);
    if (admitted > 0) {
      const mixedS = perf.mixedStepS(
        {
          sequences: admitted,
          newTokens: admitted * prompt,
          attendedTokenPairs: admitted * prompt * pairs,
        },
        { sequences: decoding, kvTokens: kvAt(t) },
      );
      durationS += mixedS;
      promptIterations += 1;
      promptIterationsS += mixedS;
      cohorts.push({ start: t, sequences: admitted });
      queued -= admitted;
      decoding += admitted;
      startSum += admitted * t;
      peak = Math.max(peak, decoding);
      t += 1;
      continue;
    }
    if (decoding <= 0) {
      if (queued === 0) break; // the last cohort has left
      // Nothing runs and nothing can be admitted (a batch limit below one sequence): the queued
      // requests would never start.
      throw new SupernodeError(
        "infeasible",
        `an offline run cannot admit any of its ${queued} queued requests: the instance holds at ` +
          `most ${maxSequences} sequences (max_batch_size or the KV cache leaves no room for one)`,
      );
    }
    // Decode-only steps at this batch until the oldest cohort leaves (nothing can be admitted before).
    const steps = (cohorts[head] as Cohort).start + lifetime - t;
    for (const [from, count] of windowPieces(
      t,
      steps,
      (at) => kvAt(at) / decoding,
      tau,
      shape.attentionChunk,
    ))
      durationS += count * perf.decodeStepS({ sequences: decoding, kvTokens: kvAt(from + (count - 1) / 2) });
    t += steps;
  }
  return { durationS, iterations: t, peakSequences: peak, promptIterations, promptIterationsS };
}

/**
 * A decode window of `steps` iterations from `start` as pieces [first iteration, iterations]: one piece,
 * or with a chunk, cut where the mean cached context (`context(at)`, growing by τ a step) reaches a multiple of it.
 * @example windowPieces(0, 10, (at) => 6 + at, 1, 8) // [[0, 2], [2, 8]] (cached contexts 6–7, then 8–15)
 */
export function windowPieces(
  start: number,
  steps: number,
  context: (at: number) => number,
  tau: number,
  chunk: number | undefined,
): [number, number][] {
  if (chunk === undefined || chunk <= 0 || steps <= 1 || tau <= 0) return [[start, steps]];
  const pieces: [number, number][] = [];
  let from = start;
  const end = start + steps;
  while (from < end) {
    // The first iteration whose cached context reaches the next multiple of the chunk: the step's new
    // token at cached context c is the (c + 1)-th, in chunk ⌊c / C⌋ (model/sliding-window.ts).
    const boundary = (Math.floor(context(from) / chunk) + 1) * chunk;
    const next = Math.min(end, Math.max(from + 1, from + Math.ceil((boundary - context(from)) / tau)));
    pieces.push([from, next - from]);
    from = next;
  }
  return pieces;
}
