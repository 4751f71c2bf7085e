/**
 * The scenario re-written at the batch the offline search chose: what `estimate` reports the step
 * of and `simulate` runs (offline-point.ts searches; this only writes the choice into the plan).
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";

/**
 * The scenario with its colocated group at `sequencesPerInstance` (the offline search's choice).
 * @example atOfflineBatch(scenario, offlineSearch(scenario).best.sequencesPerInstance).deployment.colocated?.batchPerChip
 */
export function atOfflineBatch(scenario: Scenario, sequencesPerInstance: number): Scenario {
  const plan = scenario.deployment.colocated;
  if (plan === undefined) return scenario;
  const batchPerChip = sequencesPerInstance / plan.chipsPerInstance;
  const pipeline = plan.pipeline;
  const next: InstancePlan = {
    ...plan,
    batchPerChip,
    ...(pipeline !== undefined
      ? {
          pipeline: {
            ...pipeline,
            stage: { ...pipeline.stage, batchPerChip: batchPerChip * pipeline.stages },
          },
        }
      : {}),
  };
  return { ...scenario, deployment: { ...scenario.deployment, colocated: next } };
}
