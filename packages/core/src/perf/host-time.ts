/**
 * The serving engine's host (CPU) time per iteration, one mechanism for every engine: each
 * executor process (one per attention-DP rank) spends a fixed time per iteration (the scheduler's
 * pass, launching the graph, reading back the sampled tokens) plus a time per sequence it
 * schedules (KV-block bookkeeping, input preparation, sampler updates, responses, walked request
 * by request). With an overlap scheduler the host prepares iteration n + 1 while the device runs
 * iteration n, so an iteration takes the longer of the two; without one they add.
 *
 * A forward that is not replayed as one full graph (a piecewise graph with eager attention, or an
 * eager forward) is launched layer by layer from the host: the device cannot run ahead of the
 * launches, so the forward takes at least `perLayer` × layers, whatever the overlap scheduler does
 * (the launches run while the device works; the scheduling part adds to them or hides behind the
 * previous iteration as above). Each piecewise layer also costs the device `perLayerDevice` (a graph
 * launch per piece, the eager attention outside a graph), added whatever the host does. The values
 * are the engine's (data/engines/<name>.yaml `hostTime`, `decodeGraph`,
 * `chunkedAttentionDecodeGraph`); the per-layer launch time is the model family's where the engine
 * records one (`hostTime.perLayerUsByFamily`: its implementation's kernels per layer). See docs/step-model.md §5 ("Host time per iteration").
 */
import type { HostTime, InstancePlan, Scenario } from "../deploy/index.ts";

/** What the host adds to one iteration: its own time and how long the device waits for it. */
export interface HostTiming {
  /** Host time of the iteration on the busiest executor process (scheduling and layer launches). */
  readonly hostS: number;
  /** The part of the iteration the device spends waiting for the host (0 when the device is longer). */
  readonly waitS: number;
  /** Device time a piecewise forward loses per layer (graph launch per piece, eager attention), whatever the host does. */
  readonly piecewiseDeviceS: number;
  /** What the iteration adds to its device time: `waitS` + `piecewiseDeviceS`. */
  readonly addedS: number;
}

/** A decode-only iteration (replayed as the engine's decode graph) or one with a prefill in it. */
export type IterationKind = "decode" | "mixed";

const NONE: HostTiming = { hostS: 0, waitS: 0, piecewiseDeviceS: 0, addedS: 0 };

function engineHost(scenario: Scenario, plan: InstancePlan) {
  return scenario.engine?.hostTimeFor(
    scenario.system.node.accelerator.chip.vendor,
    plan.mtp !== undefined,
    scenario.model.family,
  );
}

/**
 * Host time of one iteration that schedules `sequences` sequences of the instance (seconds): the
 * fixed part plus the per-sequence part of the busiest executor process.
 * @example hostIterationS(scenario, plan, 1024) // 0 for an engine with no recorded host time
 */
export function hostIterationS(scenario: Scenario, plan: InstancePlan, sequences: number): number {
  const host = engineHost(scenario, plan);
  return host === undefined ? 0 : scheduleS(host, plan, sequences);
}

/**
 * Host time to launch the iteration's forward layer by layer (seconds): 0 where it replays one
 * full graph, else the engine's per-layer time over the model's layers and the MTP draft passes.
 * @example layerLaunchS(scenario, plan, "decode") // 0 under a full decode graph
 */
export function layerLaunchS(scenario: Scenario, plan: InstancePlan, kind: IterationKind): number {
  const host = engineHost(scenario, plan);
  return host === undefined ? 0 : host.perLayerS * piecewiseLayers(host, scenario, plan, kind);
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
  kind: IterationKind = "decode",
): HostTiming {
  // The engine's host figures, resolved once for the iteration (this runs for every step simulated).
  const host = engineHost(scenario, plan);
  if (host === undefined) return NONE;
  const schedule = scheduleS(host, plan, sequences);
  const layers = sequences > 0 ? piecewiseLayers(host, scenario, plan, kind) : 0;
  const launch = host.perLayerS * layers;
  const hostS = schedule + launch;
  // The device's own loss per piecewise layer adds whatever the host does.
  const piecewiseDeviceS = host.perLayerDeviceS * layers;
  if (hostS === 0 && piecewiseDeviceS === 0) return NONE;
  const waitS = host.overlapsGpu ? Math.max(0, hostS - gpuS) : schedule + Math.max(0, launch - gpuS);
  return { hostS, waitS, piecewiseDeviceS, addedS: waitS + piecewiseDeviceS };
}

function scheduleS(host: HostTime, plan: InstancePlan, sequences: number): number {
  if (!(sequences > 0)) return 0;
  const dp = Math.max(1, plan.attention.dp);
  // An attention-DP rank (dp > 1) pays the engine's attention-DP figure where it records one.
  const perSequence = dp > 1 ? host.perSequenceAttentionDpS : host.perSequenceS;
  return host.perIterationS + (perSequence * sequences) / dp;
}

/**
 * The layers the iteration runs piecewise (0 where it replays one full graph): every layer and MTP
 * draft pass of an iteration with a prefill, and of a decode-only one under a piecewise decode graph
 * (the engine's rule, or its rule for chunked local attention where the model has such layers).
 */
function piecewiseLayers(
  host: HostTime,
  scenario: Scenario,
  plan: InstancePlan,
  kind: IterationKind,
): number {
  const fullGraph =
    scenario.model.slidingWindow?.chunked === true
      ? host.chunkedAttentionDecodeFullGraph
      : host.decodeFullGraph;
  if (kind === "decode" && fullGraph) return 0;
  return scenario.model.numLayers + (plan.mtp?.draftTokens ?? 0);
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
  kind: IterationKind = "decode",
): number {
  return gpuS + hostTiming(scenario, plan, sequences, gpuS, kind).addedS;
}
