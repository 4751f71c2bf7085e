/**
 * Memory per chip of an instance group: its ranks' weights, KV cache, communication buffers and
 * activations (`instanceRankMemory`) added up per chip, checked against the chip's HBM. A function
 * of the plan, the model, the precision and the chip only, so it is remembered per plan object for
 * those inputs.
 */
import {
  type InstancePlan,
  type InstanceRankMemory,
  instanceRankMemory,
  type MemoryBreakdown,
  perChip,
  type Scenario,
} from "../deploy/index.ts";
import type { Chip } from "../hardware/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { computeDevice } from "./device.ts";

/** The memory breakdown of one chip: its ranks' (all alike) added up. */
export interface MemoryPerChip extends MemoryBreakdown {
  /** The per-rank figures (a rank is a die on CloudMatrix384). */
  readonly perRank: InstanceRankMemory;
  readonly ranksPerChip: number;
}

/**
 * Memory per chip of an instance group; throws `infeasible` when it does not fit.
 * @example memoryPerChip(scenario, scenario.deployment.decode!).totalBytes
 */
export function memoryPerChip(scenario: Scenario, plan: InstancePlan): MemoryPerChip {
  const { model, precision } = scenario;
  const chip = scenario.system.node.accelerator.chip;
  const hit = fitted.get(plan);
  if (hit !== undefined && hit.model === model && hit.precision === precision && hit.chip === chip)
    return hit.memory;
  const device = computeDevice(chip);
  const perRank = instanceRankMemory(model, precision, plan, device.memoryCapacityBytes.value);
  if (perRank.freeBytes < 0) {
    const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
    const rank = plan.ranksPerChip > 1 ? "die" : "chip";
    throw new SupernodeError(
      "infeasible",
      `the ${plan.role} deployment does not fit: each ${rank} needs ${gb(perRank.totalBytes)} (weights ${gb(perRank.weightsBytes)}, KV cache ${gb(perRank.kvCacheBytes)}, communication buffers ${gb(perRank.communicationBuffersBytes)}, activations ${gb(perRank.activationsBytes)}), has ${gb(perRank.capacityBytes)} of HBM: ${gb(-perRank.freeBytes)} short. Lower the batch or KV length, or spread the experts over more ranks`,
      {
        file: scenario.fileName,
        line: plan.location?.line,
        column: plan.location?.column,
        fieldPath: ["deployment", plan.role],
      },
    );
  }
  const memory = { ...perChip(perRank, plan.ranksPerChip), perRank, ranksPerChip: plan.ranksPerChip };
  fitted.set(plan, { model, precision, chip, memory });
  return memory;
}

/**
 * The last memory per chip that fitted, by plan, with the inputs it was computed from (a plan
 * object is usually asked twice: a search's KV-fit check, then `estimate`).
 */
const fitted = new WeakMap<
  InstancePlan,
  {
    readonly model: Scenario["model"];
    readonly precision: Scenario["precision"];
    readonly chip: Chip;
    readonly memory: MemoryPerChip;
  }
>();
