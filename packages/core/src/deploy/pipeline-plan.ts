/**
 * Pipeline parallelism of an inference instance: the decoder layers split into consecutive stages,
 * each on `ranks / stages` ranks that run the group's attention / MoE / FFN parallelism among
 * themselves. The plan keeps the instance's figures (chips, ranks, batch per chip) and carries the
 * plan of one stage, on which the step model times each stage (perf/step-pipeline.ts).
 */
import type { ModelArchitecture } from "../model/index.ts";
import type { InstanceGroupSpec } from "../spec/index.ts";
import type { FieldFailure, InstancePlan } from "./plan-types.ts";

export interface PipelinePlan {
  readonly stages: number;
  /** Decoder layers of each stage, first to last. */
  readonly layersPerStage: readonly number[];
  /** Index of the first decoder layer of each stage. */
  readonly firstLayer: readonly number[];
  /** Microbatches in flight (default: one per stage). */
  readonly microbatches: number;
  readonly chipsPerStage: number;
  readonly ranksPerStage: number;
  /** The plan of one stage: its ranks and chips, the whole batch of the instance (per stage chip). */
  readonly stage: InstancePlan;
}

/**
 * Even split, the extra layers on the first stages (the last one also runs the LM head).
 * @example evenLayerSplit(80, 3) // [27, 27, 26]
 */
export function evenLayerSplit(layers: number, stages: number): number[] {
  const base = Math.floor(layers / stages);
  const extra = layers % stages;
  return Array.from({ length: stages }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Plans a group with `pp`: checks the split, plans one stage with `planStage` (the usual checks on
 * the stage's ranks) and returns the instance plan with the pipeline attached.
 * @example planPipelinedGroup("colocated", group, arch, ranksPerChip, fail, planInstanceGroup)
 */
export function planPipelinedGroup(
  group: InstanceGroupSpec,
  arch: ModelArchitecture,
  ranksPerChip: number,
  fail: FieldFailure,
  planStage: (stageGroup: InstanceGroupSpec) => InstancePlan,
): InstancePlan {
  const pp = group.pp;
  if (pp === undefined) return planStage(group);
  const stages = typeof pp === "number" ? pp : pp.stages;
  const ranks = group.ranksPerInstance ?? (group.chipsPerInstance ?? 1) * ranksPerChip;
  const chips = ranks / ranksPerChip;
  if (stages > arch.numLayers)
    fail(["pp"], `${stages} pipeline stages exceed the model's ${arch.numLayers} decoder layers`);
  if (chips % stages !== 0)
    fail(
      ["pp"],
      `${stages} pipeline stages do not divide the instance's ${chips} chips (${chips % stages} left over); each stage needs whole chips`,
    );
  const layers =
    typeof pp === "object" && pp.layers !== undefined ? pp.layers : evenLayerSplit(arch.numLayers, stages);
  if (layers.length !== stages)
    fail(["pp", "layers"], `${layers.length} stage sizes given for ${stages} stages; give one per stage`);
  const total = layers.reduce((a, b) => a + b, 0);
  if (total !== arch.numLayers)
    fail(
      ["pp", "layers"],
      `the stages hold ${total} layers, the model has ${arch.numLayers}: ${Math.abs(total - arch.numLayers)} ${total > arch.numLayers ? "too many" : "missing"}`,
    );
  const microbatches = typeof pp === "object" && pp.microbatches !== undefined ? pp.microbatches : stages;
  const chipsPerStage = chips / stages;
  // One stage holds the whole batch of the instance (every sequence passes through every stage).
  const { pp: _pp, ranksPerInstance: _r, ...rest } = group;
  const stageGroup: InstanceGroupSpec = {
    ...rest,
    chipsPerInstance: chipsPerStage,
    ...(group.batchPerChip !== undefined ? { batchPerChip: group.batchPerChip * stages } : {}),
    ...(group.tokensPerChip !== undefined ? { tokensPerChip: group.tokensPerChip * stages } : {}),
  };
  const stage = planStage(stageGroup);
  const firstLayer: number[] = [];
  let at = 0;
  for (const n of layers) {
    firstLayer.push(at);
    at += n;
  }
  return {
    ...stage,
    chipsPerInstance: chips,
    ranksPerInstance: ranks,
    ...(group.batchPerChip !== undefined ? { batchPerChip: group.batchPerChip } : {}),
    ...(group.tokensPerChip !== undefined ? { tokensPerChip: group.tokensPerChip } : {}),
    pipeline: {
      stages,
      layersPerStage: layers,
      firstLayer,
      microbatches,
      chipsPerStage,
      ranksPerStage: ranks / stages,
      stage,
    },
  };
}
