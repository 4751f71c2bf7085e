/**
 * Under attention data parallelism each rank runs attention, the norms, the dense FFN layers, the
 * router and (where it is not folded into the routed experts) the shared expert on its own tokens,
 * while the MoE dispatch, the routed experts and the combine see every rank's tokens. A prompt is
 * never split across ranks, and the MoE layers synchronise all ranks each iteration, so an
 * iteration lasts as long as the busiest rank's own work (TensorRT-LLM `_fetch_new_requests_attention_dp`
 * hands each new request to one rank; SGLang's `prepare_mlp_sync_batch_raw` and vLLM's DP engine
 * cores run each rank's batch in one synchronised forward). This file names the rank-local part
 * of a step; `step-instance-performance.ts` charges the busiest rank's excess over the even share.
 */
import type { OperatorGroup } from "../deploy/index.ts";
import type { StepBreakdown } from "./step-model.ts";

/** The operator groups an attention-DP rank runs on its own tokens only. */
export const RANK_LOCAL_GROUPS: readonly OperatorGroup[] = [
  "norms",
  "attention",
  "attention-comm",
  "dense-ffn",
  "ffn-comm",
  "moe-gate",
  "shared-experts",
];

/**
 * Seconds of a step spent in rank-local groups (Σ layers × their groups' time per layer). Where a
 * layer overlaps microbatches the groups' times are summed as if serial (an upper bound).
 * @example rankLocalS(instanceStepTime(ctx, { phase: "prefill", sequences: 1, newTokens: 800, attendedTokenPairs: 320400 }))
 */
export function rankLocalS(step: StepBreakdown): number {
  let total = 0;
  for (const layer of step.layers) {
    const byGroup = layer.timing.byGroup;
    let local = 0;
    for (const group of RANK_LOCAL_GROUPS) local += byGroup[group] ?? 0;
    total += layer.count * local;
  }
  return total;
}
