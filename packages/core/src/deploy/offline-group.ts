/**
 * The colocated group of an offline scenario before the batch search: the operating point the
 * group leaves out is filled from the `offline` section (prompt length, KV length at mid-output,
 * one prefill chunk of the scheduler's token budget, one sequence per rank as a placeholder batch
 * that `estimate` replaces with the best one).
 */
import type { Chip } from "../hardware/index.ts";
import { type InstanceGroupSpec, type OfflineSpec, SupernodeError } from "../spec/index.ts";
import type { OfflineLengths } from "./offline-lengths.ts";
import type { InstancePlan } from "./plan-types.ts";

/** The serving scheduler's default prompt-token budget per iteration (serving-schema.ts). */
export const DEFAULT_CHUNK_TOKENS = 16384;

/**
 * @example offlineGroup(group, { promptTokens: 2048, outputTokens: 128 }, undefined, chip).promptLength // 2048
 */
export function offlineGroup(
  group: InstanceGroupSpec,
  offline: {
    readonly promptTokens: number;
    readonly outputTokens: number;
    readonly lengths?: OfflineLengths;
  },
  chunkTokens: number | undefined,
  chip: Chip,
): InstanceGroupSpec {
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  const chips = group.chipsPerInstance ?? Math.max(1, (group.ranksPerInstance ?? 1) / ranksPerChip);
  return {
    ...group,
    batchPerChip: group.batchPerChip ?? ranksPerChip,
    // The decode context: prompt + half the answer, or what a length distribution implies.
    kvLength:
      group.kvLength ??
      Math.round(offline.lengths?.decodeContext ?? offline.promptTokens + offline.outputTokens / 2),
    tokensPerChip:
      group.tokensPerChip ?? Math.max(1, Math.ceil((chunkTokens ?? DEFAULT_CHUNK_TOKENS) / chips)),
    promptLength: group.promptLength ?? Math.round(offline.promptTokens),
  };
}

/**
 * Refuses an `offline.maxSequencesPerInstance` that does not divide over the colocated instance's
 * attention-DP groups: the batch search runs the same number of sequences on every group, so such a
 * cap would otherwise be rounded down without a word (6 on 4 groups runs 4).
 */
export function refuseUnevenSequenceCap(
  offline: OfflineSpec,
  plan: InstancePlan,
  fileName: string,
  locate: (path: readonly string[]) => { line: number; column: number } | undefined,
): void {
  const cap = offline.maxSequencesPerInstance;
  const groups = (plan.pipeline?.stage ?? plan).attention.dp;
  if (cap === undefined || cap % groups === 0) return;
  const below = Math.floor(cap / groups) * groups;
  const choices = below > 0 ? `${below} or ${below + groups}` : `${groups}, ${2 * groups}, …`;
  const path = ["offline", "maxSequencesPerInstance"];
  const pos = locate(path);
  throw new SupernodeError(
    "infeasible",
    `${cap} sequences do not divide over the instance's ${groups} attention-DP groups (every group runs the same number of sequences): give a multiple of ${groups} (${choices})`,
    { file: fileName, line: pos?.line, column: pos?.column, fieldPath: path },
  );
}
