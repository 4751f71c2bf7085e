/**
 * Prefill under attention data parallelism: each attention-DP rank schedules its own requests and a
 * prompt is never split across ranks, while the MoE layers synchronise every rank each iteration.
 * A mixed iteration therefore lasts as long as the busiest rank's attention and dense work on the
 * prompts it holds, and the experts see the tokens of all ranks.
 *
 * Without chunked prefill (TensorRT-LLM under trtllm-bench: max_num_tokens ≥ ISL + max_batch_size,
 * one budget per rank) a rank runs whole prompts in one iteration; with chunked prefill (SGLang,
 * vLLM: a chunk budget per rank) its share is capped by its budget.
 */

/** The busiest attention-DP rank's prefill in one iteration. */
export interface BusiestRankPrefill {
  /** Prompts (or pieces of one) on the busiest rank. */
  readonly prompts: number;
  /** Its new tokens: what its attention and dense layers process. */
  readonly tokens: number;
}

/**
 * The busiest rank's share of `prompts` whole prompts of `promptTokens` spread over `dp` ranks:
 * ceil(prompts / dp) prompts (at least one where the iteration carries any), capped at
 * `rankBudgetTokens` when the engine chunks prefill.
 * @example busiestRankPrefill({ prompts: 1, dp: 4, promptTokens: 8192, chunked: false }).tokens // 8192 (not 2048)
 */
export function busiestRankPrefill(args: {
  readonly prompts: number;
  readonly dp: number;
  readonly promptTokens: number;
  readonly chunked: boolean;
  readonly rankBudgetTokens?: number;
}): BusiestRankPrefill {
  const { prompts, dp, promptTokens, chunked } = args;
  if (prompts <= 0 || promptTokens <= 0) return { prompts: 0, tokens: 0 };
  const whole = Math.max(1, Math.ceil(prompts / Math.max(1, dp) - 1e-9));
  const tokens = whole * promptTokens;
  const cap = args.rankBudgetTokens;
  if (!chunked || cap === undefined || tokens <= cap) return { prompts: whole, tokens };
  return { prompts: cap / promptTokens, tokens: Math.max(0, cap) };
}

/**
 * Whole prompts one rank admits in an iteration without chunked prefill: those that fit in its
 * token budget beside its decoding sequences' tokens, at least one (the engine's max_num_tokens is
 * at least one prompt plus max_batch_size, so one always fits at the batch limit).
 * @example promptsPerRankUnchunked({ rankBudgetTokens: 8960, rankDecodeTokens: 394, promptTokens: 8192 }) // 1
 */
export function promptsPerRankUnchunked(args: {
  readonly rankBudgetTokens: number;
  readonly rankDecodeTokens: number;
  readonly promptTokens: number;
}): number {
  const room = args.rankBudgetTokens - args.rankDecodeTokens;
  return Math.max(1, Math.floor(room / args.promptTokens + 1e-9));
}
