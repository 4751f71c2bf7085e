/**
 * The engine's admission rule for a hybrid model (Gated DeltaNet or Mamba layers beside full
 * attention) where the engine records one (engine data `hybridStatePool`): SGLang keeps the
 * recurrent state in a pool of its own. Of the memory it keeps for its caches after the weights
 * (the instance's usable KV memory here), the state pool takes ratio / (1 + ratio)
 * (`mamba_full_memory_ratio`, 0.9 by default) and the KV pool the rest; the state pool is cut
 * into one-sequence slots and the scheduler runs at most slots / `slotsPerRunningRequest`
 * requests at once (`max_running_requests`; the other slots hold prefix-cache states and each
 * request's ping-pong buffers). Without the rule the model amortises the state over the mean
 * context in one shared pool (model/kv-cache.ts).
 */
import {
  type InstancePlan,
  runningRequestSlots,
  type Scenario,
  servingKvBytesPerToken,
} from "../deploy/index.ts";
import { memoryPerChip } from "./memory-per-chip.ts";

export interface HybridStateLimits {
  /** KV tokens the KV pool holds (instance). */
  readonly kvTokens: number;
  /** One-sequence slots of the state pool (instance). */
  readonly stateSlots: number;
  /** The most requests the engine runs at once (instance). */
  readonly maxRunningSequences: number;
}

/**
 * The KV pool and running-request cap of an instance whose usable KV memory holds `poolTokens`
 * tokens in the model's shared form (state amortised over the mean context); undefined when the
 * model keeps no recurrent state or the engine records no rule.
 * @example hybridStateLimits(scenario, scenario.deployment.colocated!, 1_215_624)?.maxRunningSequences
 */
export function hybridStateLimits(
  scenario: Scenario,
  plan: InstancePlan,
  poolTokens: number,
): HybridStateLimits | undefined {
  const rule = scenario.engine?.hybridStatePool;
  if (rule === undefined || scenario.model.linearAttention === undefined) return undefined;
  const { model, precision } = scenario;
  // The same per-token form as the rank's memory (deploy/memory.ts): state amortised over the context.
  const context = plan.role === "prefill" ? plan.promptLength : plan.kvLength;
  const perContext = context !== undefined && context > 0 ? context : 1;
  const shared = servingKvBytesPerToken(model, precision, perContext, plan.attention.tp);
  const fullOnly = servingKvBytesPerToken(model, precision, perContext, plan.attention.tp, true);
  const perRank = memoryPerChip(scenario, plan).perRank.kvBytesPerTokenOnRank;
  const fullOnRank = perRank * (fullOnly / shared);
  const stateOnRank = (perRank - fullOnRank) * perContext;
  if (!(stateOnRank > 0) || !(fullOnRank > 0)) return undefined;
  const dp = plan.attention.dp;
  const poolBytes = (poolTokens / dp) * perRank;
  const r = rule.stateToKvMemoryRatio;
  const slots = Math.floor((poolBytes * r) / (1 + r) / stateOnRank);
  // State slots per running request: the engine's default, or what the scenario's stated strategy
  // (`engine.mambaSchedulerStrategy`, `engine.disableRadixCache`) gives with the overlap scheduler
  // as the engine runs it for this group (extra_buffer keeps one buffer fewer without it).
  const host = scenario.engine?.hostTimeFor(
    scenario.system.node.accelerator.chip.vendor,
    plan.mtp !== undefined,
  );
  const perRequest = runningRequestSlots(rule, host?.overlapsGpu ?? true);
  return {
    kvTokens: Math.floor(poolBytes / (1 + r) / fullOnRank) * dp,
    stateSlots: slots * dp,
    maxRunningSequences: Math.floor(slots / perRequest) * dp,
  };
}
