/**
 * The `nonMlaScheduler` section of a serving-engine release (data/engines/<name>.yaml): a scheduler
 * the engine forces on models without MLA attention, and what it does to a scenario's
 * `serving.scheduler` (vLLM-Ascend v0.9.1: its Ascend scheduler, whole prompts admitted in
 * iterations of their own, `max_num_batched_tokens` raised to `max_model_len`).
 */
import { z } from "zod";
import type { SchedulerSpec } from "../spec/index.ts";
import { EVIDENCE_TAGS } from "../spec/index.ts";

/**
 * `whole-prompts-apart`: chunked prefill off (a prompt runs whole or waits), prefill iterations apart
 * from decode, and the token budget at least the model's context (`max_position_embeddings`, the
 * engine's `max_model_len` default) — serving.scheduler's chunkedPrefill false, mixWithDecode false,
 * maxBatchTokens max(budget, context).
 */
export const nonMlaSchedulerSchema = z.strictObject({
  value: z.literal("whole-prompts-apart"),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});
export type NonMlaScheduler = z.output<typeof nonMlaSchedulerSchema>;

/** Which `serving.scheduler` fields the scenario writes itself (those keep the scenario's value). */
export interface WrittenSchedulerFields {
  readonly maxBatchTokens: boolean;
  readonly chunkedPrefill: boolean;
  readonly mixWithDecode: boolean;
}

/**
 * The scheduler a non-MLA model gets under the policy: each field the scenario does not write set as
 * the engine sets it; `contextTokens` is the model's `max_position_embeddings`.
 * @example nonMlaSchedulerFor({ maxBatchTokens: 2048, chunkedPrefill: true }, 40960, { maxBatchTokens: false, chunkedPrefill: false, mixWithDecode: false }).maxBatchTokens // 40960
 */
export function nonMlaSchedulerFor<S extends Pick<SchedulerSpec, "maxBatchTokens" | "chunkedPrefill">>(
  scheduler: S,
  contextTokens: number,
  written: WrittenSchedulerFields,
): S & { mixWithDecode?: boolean } {
  return {
    ...scheduler,
    ...(written.maxBatchTokens ? {} : { maxBatchTokens: Math.max(scheduler.maxBatchTokens, contextTokens) }),
    ...(written.chunkedPrefill ? {} : { chunkedPrefill: false }),
    ...(written.mixWithDecode ? {} : { mixWithDecode: false }),
  };
}
