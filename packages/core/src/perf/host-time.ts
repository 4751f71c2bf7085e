/**
 * The serving engine's host (CPU) time per iteration. An engine whose executor loop runs on the
 * host — TensorRT-LLM's PyTorch backend: scheduling, KV block bookkeeping, input preparation,
 * sampler updates and responses, every one of them per scheduled sequence — spends time on each
 * iteration that the GPU does not. With an overlap scheduler the host prepares iteration n + 1 while
 * the GPU runs iteration n, so an iteration takes the longer of the two; without one they add.
 * Each attention-DP rank runs its own executor process on its own share of the sequences.
 * See docs/step-model.md §5 ("Host time per iteration").
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";

/** What the host adds to one iteration: its own time and how long the GPU waits for it. */
export interface HostTiming {
  /** Host time of the iteration on the busiest executor process. */
  readonly hostS: number;
  /** The part of the iteration the GPU spends waiting for the host (0 when the GPU is longer). */
  readonly waitS: number;
}

/**
 * Host time of one iteration that schedules `sequences` sequences of the instance (seconds).
 * @example hostIterationS(scenario, plan, 1024) // 0 for an engine with no recorded host time
 */
export function hostIterationS(scenario: Scenario, plan: InstancePlan, sequences: number): number {
  const host = scenario.engine?.hostTime;
  if (host === undefined || !(sequences > 0)) return 0;
  return (host.perSequenceS * sequences) / Math.max(1, plan.attention.dp);
}

/**
 * The host's share of an iteration whose GPU time is `gpuS`.
 * @example hostTiming(scenario, plan, 1435, 0.024).waitS
 */
export function hostTiming(
  scenario: Scenario,
  plan: InstancePlan,
  sequences: number,
  gpuS: number,
): HostTiming {
  const hostS = hostIterationS(scenario, plan, sequences);
  if (hostS === 0) return { hostS: 0, waitS: 0 };
  const overlapped = scenario.engine?.hostTime?.overlapsGpu ?? false;
  return { hostS, waitS: overlapped ? Math.max(0, hostS - gpuS) : hostS };
}

/**
 * Wall time of an iteration: its GPU time plus what the GPU waits for the host.
 * @example iterationWithHostS(scenario, plan, 1435, 0.024) // ≥ 0.024
 */
export function iterationWithHostS(
  scenario: Scenario,
  plan: InstancePlan,
  sequences: number,
  gpuS: number,
): number {
  return gpuS + hostTiming(scenario, plan, sequences, gpuS).waitS;
}
