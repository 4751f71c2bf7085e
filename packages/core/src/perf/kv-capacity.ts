/**
 * The KV-cache capacity of one instance, in tokens, as the serving simulator gives it: the engine
 * sizes its activation buffers for the largest iteration it may run (the scheduler's token budget:
 * TensorRT-LLM's max_num_tokens) before the KV cache takes what is left of each rank's HBM; the
 * attention-DP ranks' caches add up. Under sequence-parallel attention (CloudMatrix-Infer's prefill,
 * P2 §4.3.1) a rank holds 1/TP of the iteration's tokens outside the attention core, as the memory
 * model counts them (deploy/memory.ts `rankLoad`), so its reserve is the budget's share of one rank.
 * A decode instance of a prefill/decode deployment runs no prefill iteration (a preempted sequence
 * is recomputed in the prefill pool): its largest iteration is its decode batch, which the memory
 * model counts, and the prefill budget reserves nothing there.
 * Under attention DP the reserve stays at the instance's whole budget, not a DP rank's share:
 * TensorRT-LLM's estimation run gives each rank's MoE the DP ranks' gathered tokens
 * (moe_max_num_tokens = max_num_tokens × dp), and SGLang sets its static memory fraction from the
 * chunked-prefill size before dividing that over the DP ranks
 * (docs/accuracy/attention-dp-activation-reserve-stays-instance-wide.md).
 * An engine that sizes its pool without an activation run (SGLang: `staticMemoryFractionFor`, the
 * launch's --mem-fraction-static or the release's default rule) gives it mem_fraction_static × the
 * rank's device memory − weights − communication buffers instead
 * (docs/accuracy/sglangs-kv-pool-engine-wide-mem-fraction-static.md).
 * The simulator then keeps `serving.kvCache.usableFraction` of it.
 * The deployment search checks its decode batches against the same figure (explore/kv-fit.ts).
 */
import type { InstancePlan, InstanceRankMemory, Scenario } from "../deploy/index.ts";
import { activationBytesPerToken } from "../deploy/index.ts";

/**
 * KV tokens one instance of `plan` can hold, from its rank memory (before the usable fraction).
 * @example instanceKvCapacityTokens(scenario, plan, memoryPerChip(scenario, plan).perRank)
 */
export function instanceKvCapacityTokens(
  scenario: Scenario,
  plan: InstancePlan,
  memory: InstanceRankMemory,
): number {
  const budget = plan.role === "decode" ? undefined : scenario.serving?.scheduler.maxBatchTokens;
  const staticFraction = scenario.engine?.staticMemoryFractionFor?.({
    deviceMemoryBytes: memory.capacityBytes,
    chipVendor: scenario.system.node.accelerator.chip.vendor,
    tp: plan.attention.tp * plan.attention.dp,
    pp: plan.pipeline?.stages ?? 1,
    dpAttention: plan.attention.dp,
    chunkedPrefillTokens: scenario.serving?.scheduler.maxBatchTokens,
    speculativeDraft: plan.mtp !== undefined,
  });
  const tokensPerRank =
    budget !== undefined ? budget / (plan.attention.sequenceParallel ? plan.attention.tp : 1) : 0;
  const activationReserve = tokensPerRank * activationBytesPerToken(scenario.model, plan);
  const forKv =
    staticFraction !== undefined
      ? staticFraction * memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes
      : memory.capacityBytes -
        memory.weightsBytes -
        memory.communicationBuffersBytes -
        Math.max(memory.activationsBytes, activationReserve);
  return Math.max(0, Math.floor(forKv / memory.kvBytesPerTokenOnRank)) * plan.attention.dp;
}
