/**
 * TensorRT-LLM's attention-DP context balancing (`attention_dp_config.enable_balance`, PyExecutor
 * `_balance_adp_requests`, read in tensorrt_llm/_torch/pyexecutor/py_executor.py): every iteration
 * the ranks all-gather how many context and generation requests they scheduled. When every rank has
 * a context request (and a free slot), the waiting counter resets and, if every rank is also
 * generating, the contexts are held `batching_wait_iters` more iterations; otherwise the waiting
 * counter grows by one each iteration (whether or not prompts wait) and the contexts are held until
 * it reaches `timeout_iters` (then it resets and they run) — or run at once when some rank has no
 * generation request. The simulator keeps one instance-level queue, so "every rank has a context
 * request" is read as at least one waiting prompt per rank (new requests go to the least-loaded
 * ranks), "every rank generates" as at least one decoding sequence per rank, and "every rank has a
 * free slot" as at least one free slot per rank below the instance's sequence limit (optimistic: the
 * slots that free up fall on ranks at random, so the engine waits longer for the last rank).
 */
import type { ServingInstance } from "./serving-instance.ts";

export interface AttentionDpBalanceSpec {
  readonly timeoutIterations: number;
  readonly batchingWaitIterations: number;
}

/** Per-instance counters of the balancing rule. */
export interface AttentionDpBalanceState {
  /** `adp_ctx_waiting_iters_count`. */
  waitingIterations: number;
  /** `adp_ctx_batching_wait_iters_count`. */
  batchingIterations: number;
  /** Whether the decode window in flight holds prompts back under the batching wait. */
  batchingHold: boolean;
}

export class AttentionDpBalance {
  constructor(private readonly spec: AttentionDpBalanceSpec) {}

  /**
   * The rule for the iteration being formed on `instance` (`ranks` attention-DP ranks): 0 to admit
   * the waiting prompts now, or how many iterations to hold them (the decode window's most steps;
   * an arrival may end it sooner). Counts this iteration.
   * @example balance.decide(instance, state, 8) // 0: admit now
   */
  decide(instance: ServingInstance, state: AttentionDpBalanceState, ranks: number): number {
    const { timeoutIterations, batchingWaitIterations } = this.spec;
    state.batchingHold = false;
    const prompts = instance.active.length === 0 ? instance.waitingCount : 0;
    const everyRankGenerates = instance.decoding >= ranks;
    const everyRankHasContext = prompts >= ranks && instance.maxSequences - instance.decoding >= ranks;
    if (everyRankHasContext) {
      state.waitingIterations = 0;
      if (everyRankGenerates && state.batchingIterations < batchingWaitIterations) {
        state.batchingIterations += 1;
        state.batchingHold = true;
        return batchingWaitIterations - state.batchingIterations + 1;
      }
      // the engine resets its batching counter only after a wait ran out (all ranks generating)
      if (everyRankGenerates) state.batchingIterations = 0;
      return 0;
    }
    state.waitingIterations += 1;
    if (state.waitingIterations >= timeoutIterations || !everyRankGenerates) {
      state.waitingIterations = 0;
      return 0;
    }
    return prompts > 0 ? timeoutIterations - state.waitingIterations : 0;
  }

  /**
   * A decode window of `steps` iterations formed by `decide` has ended: counts its iterations after
   * the first (which `decide` counted), as the engine counts one per iteration.
   */
  advance(state: AttentionDpBalanceState, steps: number): void {
    const more = Math.max(0, steps - 1);
    if (state.batchingHold) {
      state.batchingIterations = Math.min(this.spec.batchingWaitIterations, state.batchingIterations + more);
      return;
    }
    state.waitingIterations = (state.waitingIterations + more) % this.spec.timeoutIterations;
  }
}
