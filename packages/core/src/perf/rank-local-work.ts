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
import type { InstancePlan, OperatorGroup } from "../deploy/index.ts";
import { sharedExpertTp } from "./shared-expert-tp.ts";
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
 * A dense FFN tensor-parallel over more ranks than the attention first gathers the other attention
 * ranks' tokens (SGLang's `_dp_gather`; `ffn.dp_gather` in step-collectives.ts), so every rank of
 * its group runs all of them: no rank holds more than another there. So does a shared expert split
 * over a TP group wider than the attention's (shared-expert-tp.ts; step-work.ts `sharedExpertTokens`).
 */
const GATHERED_FFN_GROUPS: readonly OperatorGroup[] = ["dense-ffn", "ffn-comm"];

/**
 * Seconds of a step spent in rank-local groups (Σ layers × their groups' time per layer). Where a
 * layer overlaps microbatches the groups' times are summed as if serial (an upper bound).
 * @example rankLocalS(instanceStepTime(ctx, { phase: "prefill", sequences: 1, newTokens: 800, attendedTokenPairs: 320400 }), ctx.plan)
 */
export function rankLocalS(
  step: StepBreakdown,
  plan: Pick<InstancePlan, "attention" | "denseFfn" | "moe">,
): number {
  const gathered: OperatorGroup[] = [];
  if (plan.denseFfn.tp > plan.attention.tp) gathered.push(...GATHERED_FFN_GROUPS);
  if (sharedExpertTp(plan, false) > plan.attention.tp) gathered.push("shared-experts");
  const groups = RANK_LOCAL_GROUPS.filter((g) => !gathered.includes(g));
  let total = 0;
  for (const layer of step.layers) {
    const byGroup = layer.timing.byGroup;
    let local = 0;
    for (const group of groups) local += byGroup[group] ?? 0;
    total += layer.count * local;
  }
  return total;
}
