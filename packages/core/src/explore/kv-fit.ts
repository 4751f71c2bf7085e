/**
 * Whether a searched decode batch holds its KV cache the way the serving simulator (and an engine
 * that must not evict) holds it. The step model's memory check fits the batch at the operating
 * point's mean KV length; the simulator's instance has the KV capacity `instanceKvCapacityTokens`
 * gives (activations reserved for the scheduler's token budget, `usableFraction` of the rest) and
 * admits a sequence while the cache can take it, preempting when it overflows. With the workload's
 * lengths a batch's sequences grow from the prompt to prompt + output, and in a closed loop their
 * phases bunch (a prefill wave joins together and, at fixed lengths, finishes together), so the
 * batch's KV reaches batch × (prompt + output) — the reservation TensorRT-LLM's default
 * GUARANTEED_NO_EVICT scheduler makes. A batch fits here when that, plus the simulator's half block
 * of paging per sequence and its growth headroom, is within the simulator's capacity.
 */
import { decodeSequences, type InstancePlan, type Scenario } from "../deploy/index.ts";
import { instanceKvCapacityTokens, type MemoryPerChip } from "../perf/index.ts";
import { SupernodeError } from "../spec/index.ts";
import type { RequestShape } from "./chunked-step.ts";

/** The KV-cache demand and capacity of one instance of a searched batch, in tokens. */
export interface KvFit {
  readonly neededTokens: number;
  readonly capacityTokens: number;
}

/**
 * The KV tokens a full batch of `plan` needs at its sequences' full length and what the
 * simulator's instance holds.
 * @example kvFit(scenario, plan, memory, { inputTokens: 3072, outputTokens: 2048 }).capacityTokens
 */
export function kvFit(
  scenario: Scenario,
  plan: InstancePlan,
  memory: MemoryPerChip,
  shape: RequestShape,
): KvFit {
  const serving = scenario.serving;
  const usable = serving?.kvCache.usableFraction ?? 1;
  const prefixOn = serving?.prefixCache.enabled === true && plan.role !== "decode";
  const hbmShare = prefixOn ? (serving?.prefixCache.hbmFraction ?? 0) : 0;
  const capacityTokens = Math.floor(
    instanceKvCapacityTokens(scenario, plan, memory.perRank) * usable * (1 - hbmShare),
  );
  const halfBlock = (serving?.kvCache.blockTokens ?? 128) / 2;
  const growth = 1 + (plan.mtp?.draftTokens ?? 0);
  const perSequence = shape.inputTokens + shape.outputTokens + halfBlock + growth;
  const sequences = decodeSequences(plan);
  return { neededTokens: sequences * perSequence, capacityTokens };
}

/**
 * Refuses (as the memory check does) a batch whose KV at full length overflows the simulator's cache.
 * @example assertKvFits(scenario, plan, memory, shape) // throws SupernodeError "infeasible"
 */
export function assertKvFits(
  scenario: Scenario,
  plan: InstancePlan,
  memory: MemoryPerChip,
  shape: RequestShape,
): void {
  const fit = kvFit(scenario, plan, memory, shape);
  if (fit.neededTokens <= fit.capacityTokens) return;
  const m = (t: number) => `${(t / 1e6).toFixed(2)} M`;
  throw new SupernodeError(
    "infeasible",
    `the ${plan.role} batch's KV cache does not fit at full length: ${m(fit.neededTokens)} tokens (${plan.batchPerChip} sequences per chip at ${shape.inputTokens} + ${shape.outputTokens} tokens) against ${m(fit.capacityTokens)} the instance holds`,
    { file: scenario.fileName, fieldPath: ["deployment", plan.role, "batchPerChip"] },
  );
}
