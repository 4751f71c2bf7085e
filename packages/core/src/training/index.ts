// Public surface of the `training` layer: training step time, memory, MFU, failures and goodput.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export type { ActivationOptions } from "./activation-memory.ts";
export type { BlastRadius } from "./blast-radius.ts";
export type { Goodput, GoodputInputs, ReliabilityData } from "./goodput.ts";
export type { CommPart, MicrobatchComm } from "./microbatch-comm.ts";
export type { ComputeTimes } from "./operator-times.ts";
export type { PipelineTiming } from "./pipeline-schedule.ts";
export {
  type TrainingCaseSpec,
  type TrainingMetric,
  type TrainingReferenceCase,
  trainingCaseSpecs,
  trainingReferenceCases,
  trainingScenarioText,
} from "./reference-cases.ts";
export type { PipelineCompute, StageCompute } from "./stage-compute.ts";
export type { StageParams } from "./stage-params.ts";
export type { StepSync } from "./step-sync.ts";
export { type TrainEstimate, type TrainStepBreakdown, trainEstimate } from "./train-estimate.ts";
export { type TrainReport, trainReport } from "./train-report.ts";
export type { ModelStateBytes, ModelStateOptions, StageMemory, TrainingMemory } from "./training-memory.ts";
export {
  type ParseTrainingOptions,
  parseTrainingScenario,
  type TrainingLayout,
  type TrainingPrecision,
  type TrainingScenario,
} from "./training-scenario.ts";
