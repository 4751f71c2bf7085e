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
 * offline: { promptTokens: 804, outputTokens: { kind: lognormal, meanTokens: 3886, sigma: 1, maxTokens: 20000 } }
 */
import { z } from "zod";
import { lengthDistributionSchema } from "./workload-schema.ts";

/**
 * A length: one fixed token count, or a distribution (as `workload` states them); the search uses
 * what the distribution implies (its means, the token-weighted decode context and the KV reserved
 * per sequence, deploy/offline-lengths.ts).
 */
const offlineLength = z.union([z.number().int().positive(), lengthDistributionSchema]);

export const offlineSchema = z.strictObject({
  /**
   * Prompt length (tokens): a number, or a length distribution. A `workload` section's length
   * distributions, when given, drive `simulate`; else `simulate` draws from these.
   */
  promptTokens: offlineLength,
  /** Output length (tokens, the first one included): a number, or a length distribution. */
  outputTokens: offlineLength,
  /**
   * The requests' max_tokens (output cap, tokens). Absent, each sequence reserves KV for its own
   * prompt and answer; given, for its prompt and this cap, as TensorRT-LLM's default capacity policy
   * (GUARANTEED_NO_EVICT) reserves a request's blocks to completion (deploy/offline-lengths.ts).
   * At least the longest answer.
   */
  maxTokens: z.number().int().positive().optional(),
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
