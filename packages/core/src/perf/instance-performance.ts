/**
 * The contract between the step model (`perf`/`deploy`: how long one iteration of one instance
 * takes for the batch it really runs) and the serving simulator (`serving`: which batches run when).
 * The serving simulator calls these per iteration, so implementations must be fast (no allocation,
 * memoise what does not depend on the batch).
 */
export interface DecodeBatch {
  /** Sequences decoding in this iteration, on the whole instance. */
  readonly sequences: number;
  /** Sum over those sequences of their KV-cache length (tokens) before this step. */
  readonly kvTokens: number;
}

export interface PrefillBatch {
  /** Sequences (chunks) in this iteration. */
  readonly sequences: number;
  /** New tokens processed in this iteration (sum of chunk lengths). */
  readonly newTokens: number;
  /**
   * Attention work: sum over chunks of newTokens × (cachedContext + (newTokens + 1) / 2), i.e. the
   * number of (query, key) pairs under a causal mask.
   */
  readonly attendedTokenPairs: number;
  /**
   * KV-cache tokens the chunks read (sum over chunks of the context already cached: a shared prefix
   * or the sequence's earlier chunks). Absent: estimated from the pairs as if chunks were equal.
   */
  readonly contextTokens?: number;
}

export interface InstancePerformance {
  /** Accelerator packages in the instance. */
  readonly chips: number;
  /** KV-cache capacity of the instance in tokens, after weights, buffers and activations. */
  readonly kvCacheCapacityTokens: number;
  /** KV-cache bytes per token (all layers), as stored. */
  readonly kvBytesPerToken: number;
  /** Tokens emitted per decode step per sequence on average (1 without MTP; 1 + acceptance with it). */
  readonly meanTokensPerDecodeStep: number;
  /** Seconds for one decode iteration. */
  decodeStepS(batch: DecodeBatch): number;
  /**
   * Attention data-parallel ranks of the instance, each with its own requests (absent or 1: none).
   * The simulator places an iteration's prompts on them and passes the busiest rank's share.
   */
  readonly attentionDpRanks?: number;
  /**
   * Seconds for one prefill iteration. `busiestRank`: the prefill work of the attention-DP rank
   * holding the most (rank-local-work.ts); absent, the work is taken as evenly split.
   */
  prefillStepS(batch: PrefillBatch, busiestRank?: PrefillBatch): number;
  /**
   * Seconds for one mixed iteration (chunked prefill with the decoding sequences' next step): one
   * pass over the weights for the union of tokens, per-token work summed, and each decoding
   * sequence's attention over its own KV cache; `busiestRank` as for `prefillStepS`.
   */
  mixedStepS(prefill: PrefillBatch, decode: DecodeBatch, busiestRank?: PrefillBatch): number;
}
