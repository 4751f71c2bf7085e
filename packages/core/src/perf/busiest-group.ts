/**
 * A batch that does not divide over the attention-DP groups. Engines place a burst's requests
 * evenly — SGLang's DP controller round robin (`data_parallel_controller.py`
 * `round_robin_scheduler`; `shortest_queue` cycles the ranks within a burst), TensorRT-LLM's
 * `_balance_requests_across_ranks` up to the even count, vLLM's DP coordinator to the least-loaded
 * engine core — so n sequences on D groups run ⌈n / D⌉ on the busiest and ⌊n / D⌋ on the others.
 * The MoE layers synchronise the groups every iteration, so an iteration lasts as long as the
 * busiest group; SGLang pads every rank's decode batch to the largest rank's (`cuda_graph_runner.py`:
 * the captured size from `max(global_num_tokens_cpu)`), and so does TensorRT-LLM's PyTorch backend
 * (`_get_padded_batch`, in `model_engine.py`, later `cuda_graph_runner.py`: under attention DP the
 * ranks all-gather `[can_run_cuda_graph, batch_size]` and pad with dummy requests to the graph sized
 * for the largest rank's batch; its PR 6064 removed only the MoE's own padding). The batch is therefore timed as ⌈n / D⌉ · D
 * sequences (`slots`), of which the real ones fill n / slots. docs/accuracy/uneven-attention-dp-groups-in-a-finite-run.md.
 */
import type { PrefillBatch } from "./instance-performance.ts";

/**
 * The busiest group's batch on every group (`slots`, ⌈n / D⌉ · D) and the share of it the n real
 * sequences fill. Without attention DP (D = 1), or when n divides evenly, slots = n and fill = 1.
 * @example busiestGroupSlots(100, 8) // { slots: 104, fill: 100 / 104 }
 */
export function busiestGroupSlots(sequences: number, groups: number): { slots: number; fill: number } {
  if (!(sequences > 0) || !Number.isFinite(sequences))
    throw new RangeError(`busiestGroupSlots needs a positive number of sequences, got ${sequences}`);
  if (!Number.isInteger(groups) || groups < 1)
    throw new RangeError(`busiestGroupSlots needs a whole number of attention-DP groups ≥ 1, got ${groups}`);
  const slots = groups <= 1 ? sequences : Math.ceil(sequences / groups - 1e-9) * groups;
  return { slots, fill: sequences / slots };
}

/**
 * A prefill iteration of the instance (sized for every slot: the busiest rank's chunk on every rank)
 * when only `fill` of the slots hold real sequences: the busiest rank still runs its whole share
 * (`busiestRank`, charged as rank-local work: rank-local-work.ts), while the experts, dispatch and
 * combine see the real tokens only (`instance`). With fill = 1 the batch is returned as it is.
 */
export function unevenPrefill(
  batch: PrefillBatch,
  fill: number,
  groups: number,
): { instance: PrefillBatch; busiestRank?: PrefillBatch } {
  if (fill >= 1 || groups <= 1) return { instance: batch };
  const busiestRank: PrefillBatch = {
    sequences: Math.max(1, batch.sequences / groups),
    newTokens: batch.newTokens / groups,
    attendedTokenPairs: batch.attendedTokenPairs / groups,
  };
  const instance: PrefillBatch = {
    sequences: Math.max(1, batch.sequences * fill),
    newTokens: batch.newTokens * fill,
    attendedTokenPairs: batch.attendedTokenPairs * fill,
  };
  return { instance, busiestRank };
}
