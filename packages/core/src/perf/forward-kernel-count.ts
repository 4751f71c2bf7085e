/**
 * The kernels one decode forward launches, counted from the model's own operator lists: for every
 * decoder layer, its operators' kernel launches on the busiest kind of rank (the engine's separate
 * kernels included) plus one per fabric collective the layer runs. An engine whose host launch time
 * is recorded per kernel (`hostTime.perKernelUs`, perf/host-time.ts) charges a forward this count
 * times its time per kernel, so each model pays for its own layers. Counted at a one-sequence decode
 * batch: the count does not depend on the batch (a collective that moves nothing — dispatch and
 * combine without expert parallelism — is not launched and not counted).
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";
import { layerKind } from "../model/index.ts";
import { stepContext } from "./step-context.ts";
import { stepLayerInputs } from "./step-layer-inputs.ts";

const counted = new WeakMap<Scenario, WeakMap<InstancePlan, number>>();

/**
 * Kernel launches of one decode forward of the instance's decoder layers (MTP modules not included).
 * @example forwardKernels(scenario, plan) / scenario.model.numLayers // the mean kernels per layer
 */
export function forwardKernels(scenario: Scenario, plan: InstancePlan): number {
  let byPlan = counted.get(scenario);
  if (byPlan === undefined) {
    byPlan = new WeakMap();
    counted.set(scenario, byPlan);
  }
  const known = byPlan.get(plan);
  if (known !== undefined) return known;
  const kernels = countForwardKernels(scenario, plan);
  byPlan.set(plan, kernels);
  return kernels;
}

function countForwardKernels(scenario: Scenario, plan: InstancePlan): number {
  const arch = scenario.model;
  const inputs = stepLayerInputs(stepContext(scenario, plan), { phase: "decode", sequences: 1, kvTokens: 1 });
  let total = 0;
  for (let index = 0; index < arch.numLayers; index++) {
    const kind = layerKind(arch, index);
    let busiest = 0;
    for (const rank of inputs.work.rankKinds) {
      const { ops, collectives } = inputs.layer(index, kind, rank);
      const launched = collectives.filter((c) => c.timeS > 0).length;
      busiest = Math.max(busiest, ops.reduce((sum, op) => sum + op.kernels, 0) + launched);
    }
    total += busiest;
  }
  return total;
}
