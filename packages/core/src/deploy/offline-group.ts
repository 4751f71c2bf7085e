/**
 * The colocated group of an offline scenario before the batch search: the operating point the
 * group leaves out is filled from the `offline` section (prompt length, KV length at mid-output,
 * one prefill chunk of the scheduler's token budget, one sequence per rank as a placeholder batch
 * that `estimate` replaces with the best one).
 */
import type { Chip } from "../hardware/index.ts";
import type { InstanceGroupSpec, OfflineSpec } from "../spec/index.ts";

/** The serving scheduler's default prompt-token budget per iteration (serving-schema.ts). */
export const DEFAULT_CHUNK_TOKENS = 16384;

/**
 * @example offlineGroup(group, { promptTokens: 2048, outputTokens: 128 }, undefined, chip).promptLength // 2048
 */
export function offlineGroup(
  group: InstanceGroupSpec,
  offline: OfflineSpec,
  chunkTokens: number | undefined,
  chip: Chip,
): InstanceGroupSpec {
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  const chips = group.chipsPerInstance ?? Math.max(1, (group.ranksPerInstance ?? 1) / ranksPerChip);
  return {
    ...group,
    batchPerChip: group.batchPerChip ?? ranksPerChip,
    kvLength: group.kvLength ?? Math.round(offline.promptTokens + offline.outputTokens / 2),
    tokensPerChip:
      group.tokensPerChip ?? Math.max(1, Math.ceil((chunkTokens ?? DEFAULT_CHUNK_TOKENS) / chips)),
    promptLength: group.promptLength ?? offline.promptTokens,
  };
}
