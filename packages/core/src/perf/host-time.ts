/**
 * The serving engine's host (CPU) time per iteration, one mechanism for every engine: each
 * executor process (one per attention-DP rank) spends a fixed time per iteration (the scheduler's
 * pass, launching the graph, reading back the sampled tokens) plus a time per sequence it
 * schedules (KV-block bookkeeping, input preparation, sampler updates, responses, walked request
 * by request). With an overlap scheduler the host prepares iteration n + 1 while the device runs
 * iteration n, so an iteration takes the longer of the two; without one they add. The values are
 * the engine's (data/engines/<name>.yaml `hostTime`). See docs/step-model.md §5 ("Host time per
 * iteration").
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";

/** What the host adds to one iteration: its own time and how long the device waits for it. */
export interface HostTiming {
  /** Host time of the iteration on the busiest executor process. */
  readonly hostS: number;
  /** The part of the iteration the device spends waiting for the host (0 when the device is longer). */
  readonly waitS: number;
}

const NONE: HostTiming = { hostS: 0, waitS: 0 };

function engineHost(scenario: Scenario, plan: InstancePlan) {
  return scenario.engine?.hostTimeFor(scenario.system.node.accelerator.chip.vendor, plan.mtp !== undefined);
}

/**
 * Host time of one iteration that schedules `sequences` sequences of the instance (seconds): the
 * fixed part plus the per-sequence part of the busiest executor process.
 * @example hostIterationS(scenario, plan, 1024) // 0 for an engine with no recorded host time
 */
export function hostIterationS(scenario: Scenario, plan: InstancePlan, sequences: number): number {
  const host = engineHost(scenario, plan);
  if (host === undefined || !(sequences > 0)) return 0;
  return host.perIterationS + (host.perSequenceS * sequences) / Math.max(1, plan.attention.dp);
}

/**
 * The host's share of an iteration whose device time is `gpuS`.
 * @example hostTiming(scenario, plan, 1435, 0.024).waitS
 */
export function hostTiming(
  scenario: Scenario,
  plan: InstancePlan,
  sequences: number,
  gpuS: number,
): HostTiming {
  const host = engineHost(scenario, plan);
  if (host === undefined) return NONE;
  const hostS = hostIterationS(scenario, plan, sequences);
  if (hostS === 0) return NONE;
  return { hostS, waitS: host.overlapsGpu ? Math.max(0, hostS - gpuS) : hostS };
}

/**
 * Wall time of an iteration: its device time plus what the device waits for the host.
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
