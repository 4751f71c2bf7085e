/**
 * Megatron-Core's all-to-all token dispatcher at tp > 1 as core ≤ 0.7 runs it
 * (`moe_token_dispatcher_type: alltoall` with tensor parallelism; MindSpeed-LLM 1.0.0's Mixtral
 * script), read from Megatron-LM core_r0.6.0 `megatron/core/transformer/moe/token_dispatcher.py`
 * (`MoEAlltoAllTokenDispatcher.token_permutation` / `token_unpermutation`, lines 385-490) and MindSpeed
 * 969686ff `mindspeed/core/transformer/moe/token_dispatcher.py` (`alltoall_token_permutation`, 308-355,
 * which keeps the same collectives):
 *
 * - `all_to_all_sp2hp` over the TP group turns the rank's sequence shard [S·B/TP, H] into all the
 *   group's tokens at 1/tp of the hidden width [S·B, H/TP]; `all_to_all_hp2sp` turns the combined
 *   output back. Each is an all-to-all whose per-rank send buffer is T·H/TP (T the group's tokens);
 * - the routed copies [T·k, H/TP] are permuted (`permute` by expert, then by local expert when a rank
 *   holds several; all of them at ep 1), their last dimension all-gathered over TP
 *   (`all_gather_last_dim_from_tensor_parallel_region`, with grouped GEMM) before the experts, which
 *   are split over TP (`GroupedMLP` divides fc1 / fc2 by tp_size), and reduce-scattered after them
 *   (`reduce_scatter_last_dim_to_tensor_parallel_region`): outside the expert linears, k times the
 *   bytes of the all-gather dispatcher's token gather;
 * - the unpermutations, with the routing probabilities, at H/TP.
 *
 * The expert shapes, parameters and the kept activations are the all-gather dispatcher's
 * (`allgather-dispatcher.ts` `expertsOverTp`); this file holds what differs, the TP collectives of the
 * gathered block; its permutation copies are the all-to-all dispatcher's at 1/tp of the width
 * (`moe-token-copies.ts` `withTokenCopies`). Modelled at ep 1 with sequence parallelism (refused
 * otherwise where the scenario is read). Derived from the source, not measured; nothing here is set
 * from a result.
 */
import { groupCollectiveS } from "./group-fabric.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/**
 * Seconds of the TP collectives around one MoE layer's TP-split experts, one direction (forward;
 * the backward runs their transposes, the same bytes): the all-gather dispatcher's gather and
 * scatter of the group's `groupBytes` of tokens, or this dispatcher's gather and scatter of the k
 * routed copies plus its two all-to-alls.
 * @example gatheredExpertsTpS(mixtralSp2hpScenario, 67108864) // ≈ 2·AG(k·bytes) + 2·A2A(bytes/tp)
 */
export function gatheredExpertsTpS(s: TrainingScenario, groupBytes: number): number {
  const tp = s.layout.tp;
  const collective = (kind: "all-gather" | "reduce-scatter" | "all-to-all", bytes: number) =>
    groupCollectiveS(s.fabricTarget, kind, bytes, tp, 1);
  if (s.tokenDispatcher !== "alltoall-sp2hp")
    return collective("all-gather", groupBytes) + collective("reduce-scatter", groupBytes);
  const copies = (s.model.moe?.topK ?? 1) * groupBytes;
  const a2a = collective("all-to-all", groupBytes / tp);
  return collective("all-gather", copies) + collective("reduce-scatter", copies) + 2 * a2a;
}
