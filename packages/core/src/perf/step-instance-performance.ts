/**
 * `instancePerformance(scenario, role)`: the step model behind the serving simulator's contract
 * (`instance-performance.ts`). Everything that does not depend on the batch (device, profile,
 * fabric model, memory, KV capacity) is computed once; step times are memoised on the batch,
 * with the mean KV length (decode) or mean attended context (prefill) rounded to 16 tokens, so a
 * simulation with millions of iterations evaluates the step model only for distinct batches.
 */

import { rankMemory } from "../deploy/memory.ts";
import type { InstanceRole } from "../deploy/plan.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { kvBytesPerToken } from "../model/kv-cache.ts";
import { SupernodeError } from "../spec/errors.ts";
import type { DecodeBatch, InstancePerformance, PrefillBatch } from "./instance-performance.ts";
import { memoryPerChip } from "./step-estimate.ts";
import { stepContext, stepTime } from "./step-model.ts";

const ROUND_TOKENS = 16;
const MAX_MEMO = 200_000;

/**
 * The performance model of one instance of a deployment group.
 * @example const perf = instancePerformance(scenario, "decode"); perf.decodeStepS({ sequences: 15360, kvTokens: 15360 * 4096 })
 */
export function instancePerformance(scenario: Scenario, role: InstanceRole): InstancePerformance {
  const plan = scenario.deployment[role];
  if (plan === undefined) {
    const have = Object.keys(scenario.deployment).join(", ");
    throw new SupernodeError("usage", `scenario ${scenario.name} has no ${role} group (it has: ${have})`, {
      file: scenario.fileName,
      fieldPath: ["deployment"],
    });
  }
  memoryPerChip(scenario, plan); // throws when the operating point does not fit
  const ctx = stepContext(scenario, plan);
  const device = ctx.device;
  const memory = rankMemory(scenario.model, scenario.precision, plan, device.memoryCapacityBytes.value);
  const forKv =
    memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes - memory.activationsBytes;
  const kvCacheCapacityTokens =
    Math.max(0, Math.floor(forKv / memory.kvBytesPerTokenOnRank)) * plan.attention.dp;

  const decodeMemo = new Map<string, number>();
  const prefillMemo = new Map<string, number>();
  const remember = (memo: Map<string, number>, key: string, compute: () => number): number => {
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    if (memo.size >= MAX_MEMO) memo.clear();
    const value = compute();
    memo.set(key, value);
    return value;
  };

  return {
    chips: plan.chipsPerInstance,
    kvCacheCapacityTokens,
    kvBytesPerToken: kvBytesPerToken(scenario.model, scenario.precision.kvCache, { includeMtp: true }),
    meanTokensPerDecodeStep: plan.mtp?.tokensPerStep ?? 1,
    decodeStepS(batch: DecodeBatch): number {
      if (batch.sequences <= 0) return 0;
      const meanKv = Math.round(batch.kvTokens / batch.sequences / ROUND_TOKENS) * ROUND_TOKENS;
      return remember(
        decodeMemo,
        `${batch.sequences}|${meanKv}`,
        () =>
          stepTime(ctx, { phase: "decode", sequences: batch.sequences, kvTokens: batch.sequences * meanKv })
            .stepS,
      );
    },
    prefillStepS(batch: PrefillBatch): number {
      if (batch.newTokens <= 0) return 0;
      const meanContext =
        Math.round(batch.attendedTokenPairs / batch.newTokens / ROUND_TOKENS) * ROUND_TOKENS;
      return remember(
        prefillMemo,
        `${batch.sequences}|${batch.newTokens}|${meanContext}`,
        () =>
          stepTime(ctx, {
            phase: "prefill",
            sequences: batch.sequences,
            newTokens: batch.newTokens,
            attendedTokenPairs: batch.newTokens * Math.max(1, meanContext),
          }).stepS,
      );
    },
  };
}
