/**
 * Prefill under attention data parallelism: each attention-DP rank schedules its own requests and a
 * prompt is never split across ranks, while the MoE layers synchronise every rank each iteration.
 * A mixed iteration therefore lasts as long as the busiest rank's attention and dense work on the
 * prompts it holds, and the experts see the tokens of all ranks.
 *
 * Without chunked prefill (TensorRT-LLM under trtllm-bench: max_num_tokens ≥ ISL + max_batch_size,
 * one budget per rank) a rank runs whole prompts in one iteration (offline-point.ts); with chunked
 * prefill (SGLang, vLLM: a chunk budget per rank) each rank fills its own chunk, the even split.
 */

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
