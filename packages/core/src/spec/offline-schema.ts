/**
 * The offline (maximum-throughput) operating point, as MLPerf's Offline scenario measures it: every
 * request is available at once and a colocated deployment runs continuous batching at the
 * concurrency that maximizes throughput. `estimate` searches the batch (subject to HBM and the
 * optional SLOs); `simulate` runs a closed loop at that concurrency. The `colocated` group then
 * needs no batchPerChip / kvLength / tokensPerChip / promptLength.
 *
 * @example
 * offline: { promptTokens: 2048, outputTokens: 128 }
 * offline: { promptTokens: 1024, outputTokens: 1024, slo: { tpotS: 0.05 } }
 */
import { z } from "zod";

export const offlineSchema = z.strictObject({
  /** Mean prompt length (tokens). A `workload` section's length distributions, when given, drive `simulate`. */
  promptTokens: z.number().int().positive(),
  /** Mean output length (tokens, the first one included). */
  outputTokens: z.number().int().positive(),
  /** Largest batch the search tries, in sequences per instance (default: until HBM is full). */
  maxSequencesPerInstance: z.number().int().positive().optional(),
  /** Optional limits: the search keeps only batches that meet them. */
  slo: z
    .strictObject({ tpotS: z.number().positive().optional(), ttftS: z.number().positive().optional() })
    .optional(),
  /**
   * Requests of a finite run, all queued at once (trtllm-bench's `$num_requests`): `estimate` then
   * admits the largest batch and times the whole run, drain included; `simulate` plays them when
   * neither --requests nor the workload says (default: 8 × the batch, and a steady-state estimate).
   */
  requests: z.number().int().positive().optional(),
});
export type OfflineSpec = z.output<typeof offlineSchema>;
