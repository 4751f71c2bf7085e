/**
 * One generation of the offline point's batch (offline-point.ts): its prefill iterations (mixed
 * with the decoding sequences' steps, or alone when the scheduler does not mix them) and its
 * decode-only steps, and the batch sizes the search tries.
 */
import { busiestGroupSlots, unevenPrefill } from "./busiest-group.ts";
import { promptsPerRankUnchunked } from "./dp-prefill.ts";
import type { OfflinePoint } from "./offline-point.ts";
import { admissionIterations } from "./staggered-admission.ts";
import type { StepInstancePerformance } from "./step-instance-performance.ts";

/** What one batch size needs besides the step model: lengths, the token budget and decode tokens per step. */
export interface OfflineShape {
  readonly chips: number;
  /** Mean prompt and output lengths. */
  readonly prompt: number;
  readonly output: number;
  /** KV per decoding sequence, averaged over the generated tokens (prompt + output / 2 for fixed lengths). */
  readonly decodeContext: number;
  /** Token pairs a prefill attends per prompt token ((prompt + 1) / 2 for a fixed prompt). */
  readonly promptPairsPerToken: number;
  /** The scheduler's token budget per iteration. */
  readonly budget: number;
  /** Decode tokens per sequence per step charged to the budget (1 + draft tokens), 0 when not charged. */
  readonly decodeTokensCharged: number;
  /** Attention-DP ranks of the instance (each with budget / dp tokens) and whether prefill is chunked. */
  readonly dp: number;
  readonly chunked: boolean;
  /**
   * Whether prefill iterations also advance the decoding sequences (the scheduler's
   * `mixWithDecode`); when not, each prefill iteration runs alone on a whole budget of prompt
   * tokens and every output token after the first costs a decode-only step.
   */
  readonly mixes: boolean;
  /**
   * Whether the attention-DP ranks prefill in the same iterations. Not when prompts run alone
   * (`mixes` false) on several ranks and lengths vary: each rank admits a prompt when one of its own
   * sequences finishes, so every rank's prefill iteration is an iteration of the whole instance (the
   * MoE layers synchronise all ranks) while the other ranks only decode, or idle
   * (`othersIdleInRankPrefill`).
   */
  readonly ranksPrefillTogether: boolean;
  /**
   * Whether, when the ranks prefill apart, the ranks without a prompt run an idle batch in another
   * rank's prefill iteration instead of a decode step: SGLang with MTP or a speculative draft under
   * attention DP syncs the new prefill batch over the ranks before choosing and never mixes prefill
   * and decode (`get_next_batch_to_run` → `maybe_prepare_mlp_sync_batch`); from the engine's data
   * (`speculativeApartPrefill`), so another engine's ranks decode there.
   */
  readonly othersIdleInRankPrefill: boolean;
  /**
   * Whether answer lengths vary, so that a loop refilling freed slots admits prompts as sequences
   * finish, one iteration at a time, not in synchronised generations (staggered-admission.ts).
   * Applied with chunked prefill; the whole-prompt finite run plays admissions itself.
   */
  readonly staggered?: boolean;
}

/**
 * Throughput of one batch size at the offline point, or undefined when the budget leaves no room for prefill.
 * A batch that does not divide over the attention-DP groups (a finite run's requests or its tail)
 * runs ⌈n / D⌉ sequences on its busiest group (busiest-group.ts): the iterations are timed at that
 * group's batch on every group, and only the n real sequences' tokens are counted.
 */
export function offlinePoint(
  perf: StepInstancePerformance,
  sequences: number,
  shape: OfflineShape,
): OfflinePoint | undefined {
  const { prompt, output, chips } = shape;
  const tau = perf.meanTokensPerDecodeStep;
  const kvMean = shape.decodeContext;
  // The batch as the busiest attention-DP group runs it on every group (`slots`), and the share of
  // those slots the real sequences fill (1 when they divide evenly).
  const { slots, fill } = busiestGroupSlots(sequences, shape.dp);
  // Prefill tokens in an iteration that also decodes: the budget less the decode tokens; in one
  // that runs alone, the whole budget.
  const room = shape.budget - (shape.mixes ? shape.decodeTokensCharged * slots : 0);
  if (room <= 0) return undefined;
  const steps = Math.max(0, output - 1) / tau;
  // Ranks out of step: each rank's share of the prefill is an iteration of its own, dp times as
  // many (rankAloneIterationS); a rank's sequences decode one step in each other rank's
  // iteration, unless speculative decoding makes them idle there.
  const apart = !shape.ranksPrefillTogether && shape.dp > 1;
  // Prefill iterations per generation as the budget packs the prompts (full chunks), or, when
  // answers vary and freed slots are refilled one by one, at least the iterations that admit
  // (staggered-admission.ts; counted for the instance, so per rank when the ranks prefill apart).
  const budgetMixed = (slots * prompt) / prefillTokensPerIteration(room, shape);
  const admitting = shape.staggered === true && shape.chunked ? admissionIterations(sequences, steps + 1) : 0;
  const mixed = Math.max(budgetMixed, apart ? admitting / shape.dp : admitting);
  const chunk = (slots * prompt) / mixed;
  const prompts = chunk / prompt;
  const decoding = shape.mixes ? Math.max(0, slots - prompts) : 0;
  const prefill = unevenPrefill(
    {
      sequences: Math.max(1, prompts),
      newTokens: chunk,
      attendedTokenPairs: chunk * shape.promptPairsPerToken,
    },
    fill,
    shape.dp,
  );
  const mixedS = perf.mixedStepS(
    prefill.instance,
    { sequences: decoding, kvTokens: decoding * kvMean },
    prefill.busiestRank,
  );
  // The decode-only step at exactly this batch (the grid interpolates across GEMM row tiles).
  const decodeStepS = perf.decodeStepExactS({ sequences: slots, kvTokens: slots * kvMean });
  const othersDecode = apart && !shape.othersIdleInRankPrefill;
  const iterationS = apart
    ? rankAloneIterationS(perf, { chunk, prompts, sequences: slots, kvMean, othersDecode }, shape)
    : mixedS;
  const prefillIterations = apart ? mixed * shape.dp : mixed;
  const stepsInOthersPrefill = othersDecode ? mixed * (shape.dp - 1) : 0;
  // Each sequence spends about one iteration in prefill and `steps` decoding; mixed iterations
  // advance the decoding sequences too, prefill iterations that run alone do not.
  const plain = shape.mixes ? Math.max(0, steps + 1 - mixed) : Math.max(0, steps - stepsInOthersPrefill);
  const prefillS = prefillIterations * iterationS;
  const decodeS = plain * decodeStepS;
  const total = prefillS + decodeS;
  const perInstance = (sequences * output) / total;
  return {
    sequencesPerInstance: sequences,
    batchPerChip: sequences / chips,
    prefillS,
    decodeS,
    decodeStepS,
    tpotS: steps > 0 ? total / (steps * tau) : decodeStepS,
    sustained: budgetMixed <= steps + 1 + 1e-9,
    outputTokensPerSPerInstance: perInstance,
    outputTokensPerSPerChip: perInstance / chips,
    inputTokensPerSPerChip: (sequences * prompt) / total / chips,
  };
}

/**
 * One rank's share of the in-step iteration (chunk / dp tokens) run as an iteration of the whole
 * instance: that rank's attention, norms and dense work on all of its tokens (the busiest-rank
 * excess, rank-local-work.ts, as the serving simulator charges a lone chunk), the experts,
 * dispatch and combine on its tokens only; the other ranks decode their sequences in the same
 * forward, or run idle batches (`othersDecode` false).
 */
function rankAloneIterationS(
  perf: StepInstancePerformance,
  at: { chunk: number; prompts: number; sequences: number; kvMean: number; othersDecode: boolean },
  shape: OfflineShape,
): number {
  const newTokens = at.chunk / shape.dp;
  const share = {
    sequences: Math.max(1, at.prompts / shape.dp),
    newTokens,
    attendedTokenPairs: newTokens * shape.promptPairsPerToken,
  };
  const others = at.othersDecode ? (at.sequences * (shape.dp - 1)) / shape.dp : 0;
  return perf.mixedStepS(share, { sequences: others, kvTokens: others * at.kvMean }, share);
}

/**
 * Prefill tokens of one mixed iteration on the instance. Chunked: the budget's room, spread evenly
 * over the attention-DP ranks (each fills its own chunk). Unchunked: each rank admits whole prompts
 * into its own budget (budget / dp less its decode tokens, at least one prompt) and all ranks do so
 * in the same iteration (identical lengths keep them in step), so the busiest rank runs those whole
 * prompts and the experts see dp times as many tokens (dp-prefill.ts).
 */
function prefillTokensPerIteration(room: number, shape: OfflineShape): number {
  if (shape.chunked) return room;
  const perRank = promptsPerRankUnchunked({
    rankBudgetTokens: shape.budget / shape.dp,
    rankDecodeTokens: (shape.budget - room) / shape.dp,
    promptTokens: shape.prompt,
  });
  return perRank * shape.prompt * shape.dp;
}

/** Batch sizes (multiples of `unit`) on a 5 % geometric grid up to `max`, `max` included. */
export function batchGrid(unit: number, max: number): number[] {
  const out: number[] = [];
  let b = unit;
  while (b < max) {
    out.push(b);
    b = Math.max(b + unit, Math.ceil((b * 1.05) / unit) * unit);
  }
  out.push(max);
  return out;
}
