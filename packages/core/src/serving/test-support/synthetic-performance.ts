/**
 * Synthetic step models for testing the serving simulator's mechanics: affine in the batch (a
 * fixed cost, a per-sequence/per-token cost, a per-KV-token or per-attention-pair cost). Not a
 * model of any hardware.
 */
import type { InstancePerformance } from "../../perf/instance-performance.ts";
import { servingSchema } from "../../spec/serving-schema.ts";
import { workloadSchema } from "../../spec/workload-schema.ts";
import type { ServingModel } from "../serving-model.ts";

export interface SyntheticPerformanceOptions {
  chips?: number;
  kvCacheCapacityTokens?: number;
  kvBytesPerToken?: number;
  meanTokensPerDecodeStep?: number;
  decodeFixedS?: number;
  decodePerSequenceS?: number;
  decodePerKvTokenS?: number;
  prefillFixedS?: number;
  prefillPerTokenS?: number;
  prefillPerPairS?: number;
}

export function syntheticPerformance(options: SyntheticPerformanceOptions = {}): InstancePerformance {
  const decodeFixedS = options.decodeFixedS ?? 0.02;
  const decodePerSequenceS = options.decodePerSequenceS ?? 1e-5;
  const decodePerKvTokenS = options.decodePerKvTokenS ?? 1e-8;
  const prefillFixedS = options.prefillFixedS ?? 0.01;
  const prefillPerTokenS = options.prefillPerTokenS ?? 2e-5;
  const prefillPerPairS = options.prefillPerPairS ?? 1e-10;
  return {
    chips: options.chips ?? 8,
    kvCacheCapacityTokens: options.kvCacheCapacityTokens ?? 1_000_000,
    kvBytesPerToken: options.kvBytesPerToken ?? 70_000,
    meanTokensPerDecodeStep: options.meanTokensPerDecodeStep ?? 1,
    decodeStepS: (b) => decodeFixedS + decodePerSequenceS * b.sequences + decodePerKvTokenS * b.kvTokens,
    prefillStepS: (b) =>
      prefillFixedS + prefillPerTokenS * b.newTokens + prefillPerPairS * b.attendedTokenPairs,
    // one pass: the prefill's fixed cost once, decode tokens as prefill tokens, plus their KV term
    mixedStepS: (p, d) =>
      prefillFixedS +
      prefillPerTokenS * (p.newTokens + d.sequences) +
      prefillPerPairS * p.attendedTokenPairs +
      decodePerKvTokenS * d.kvTokens,
  };
}

/** A serving model from YAML-ish plain objects for the workload and serving sections. */
export function syntheticModel(
  workload: unknown,
  serving: unknown,
  pools: Pick<
    ServingModel,
    "prefill" | "decode" | "colocated" | "kvTransfer" | "pooledTier" | "swap" | "mtp" | "files"
  >,
): ServingModel {
  return { ...pools, workload: workloadSchema.parse(workload), serving: servingSchema.parse(serving) };
}
