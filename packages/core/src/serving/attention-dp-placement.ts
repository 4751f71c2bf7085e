/**
 * Where an iteration's prompts run under attention data parallelism: each rank schedules its own
 * requests and a prompt (or chunk) is never split across ranks (TensorRT-LLM
 * `_fetch_new_requests_attention_dp` → `_balance_requests_across_ranks`, pyexecutor's request queue:
 * as requests arrive, longest prompt first, each goes to the rank with the fewest active prompt
 * tokens — `py_orig_prompt_len` summed over its active requests — among the ranks below the even
 * request count `expected_num_active_requests`; SGLang's DP controller and vLLM's DP engine cores
 * likewise give a request to one rank). Here the iteration's chunks are placed longest first on
 * the rank with the fewest of this iteration's prefill tokens: the ranks' running requests and the
 * count cap are left out (optimistic: the engine, balancing each rank's whole load, can put two of
 * one iteration's prompts on one rank). The busiest rank's share is what the step model charges
 * beyond the even split (perf/rank-local-work.ts). Reused buffers: no allocation per iteration.
 */
import type { PrefillBatch } from "../perf/index.ts";
import type { ServingInstance } from "./serving-instance.ts";

interface MutablePrefillBatch {
  sequences: number;
  newTokens: number;
  attendedTokenPairs: number;
  contextTokens: number;
}

export class AttentionDpPlacement {
  private readonly tokens: Float64Array;
  private readonly pairs: Float64Array;
  private readonly context: Float64Array;
  private readonly sequences: Float64Array;
  private order: Int32Array = new Int32Array(256);
  private readonly busiest: MutablePrefillBatch = {
    sequences: 0,
    newTokens: 0,
    attendedTokenPairs: 0,
    contextTokens: 0,
  };

  constructor(readonly ranks: number) {
    this.tokens = new Float64Array(ranks);
    this.pairs = new Float64Array(ranks);
    this.context = new Float64Array(ranks);
    this.sequences = new Float64Array(ranks);
  }

  /**
   * The prefill work of the busiest rank once `count` chunks (`chunks[i]` new tokens after
   * `cached[i]` tokens already in the cache) are placed longest first on the least-loaded rank.
   * The returned object is reused by the next call.
   * @example new AttentionDpPlacement(8).busiestRank(Int32Array.of(800, 300), Int32Array.of(0, 0), 2).newTokens // 800
   */
  busiestRank(chunks: ArrayLike<number>, cached: ArrayLike<number>, count: number): PrefillBatch {
    const r = this.ranks;
    this.tokens.fill(0);
    this.pairs.fill(0);
    this.context.fill(0);
    this.sequences.fill(0);
    if (this.order.length < count) this.order = new Int32Array(Math.max(count, 2 * this.order.length));
    const order = this.order.subarray(0, count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => (chunks[b] as number) - (chunks[a] as number) || a - b);
    for (let k = 0; k < count; k++) {
      const i = order[k] as number;
      let rank = 0;
      for (let j = 1; j < r; j++) if ((this.tokens[j] as number) < (this.tokens[rank] as number)) rank = j;
      const chunk = chunks[i] as number;
      const before = cached[i] as number;
      this.tokens[rank] = (this.tokens[rank] as number) + chunk;
      this.pairs[rank] = (this.pairs[rank] as number) + chunk * (before + (chunk + 1) / 2);
      this.context[rank] = (this.context[rank] as number) + before;
      this.sequences[rank] = (this.sequences[rank] as number) + 1;
    }
    let top = 0;
    for (let j = 1; j < r; j++) if ((this.tokens[j] as number) > (this.tokens[top] as number)) top = j;
    const b = this.busiest;
    b.sequences = this.sequences[top] as number;
    b.newTokens = this.tokens[top] as number;
    b.attendedTokenPairs = this.pairs[top] as number;
    b.contextTokens = this.context[top] as number;
    return b;
  }
}

/** An engine's placements, one per attention-DP size, and the batch's cached-context buffer. */
export class AttentionDpPlacements {
  private readonly bySize = new Map<number, AttentionDpPlacement>();
  private cachedOfBatch = new Int32Array(256);

  /**
   * The prefill work of the busiest attention-DP rank once `instance`'s iteration chunks are placed
   * on its ranks (`prefillDone[id]`: tokens of request `id` already prefilled); undefined without
   * attention DP or without prompts.
   */
  busiestRank(instance: ServingInstance, prefillDone: ArrayLike<number>): PrefillBatch | undefined {
    const ranks = instance.perf.attentionDpRanks ?? 1;
    if (ranks <= 1 || instance.batchCount === 0) return undefined;
    let placement = this.bySize.get(ranks);
    if (placement === undefined) {
      placement = new AttentionDpPlacement(ranks);
      this.bySize.set(ranks, placement);
    }
    if (this.cachedOfBatch.length < instance.batchCount)
      this.cachedOfBatch = new Int32Array(Math.max(instance.batchCount, 2 * this.cachedOfBatch.length));
    for (let i = 0; i < instance.batchCount; i++)
      this.cachedOfBatch[i] = prefillDone[instance.batchIds[i] as number] as number;
    return placement.busiestRank(instance.batchChunks, this.cachedOfBatch, instance.batchCount);
  }
}
