// Public surface of the `perf` layer: operator time on a chip and step composition.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export type { AttentionEfficiencyFactors } from "./attention-efficiency.ts";
export { describeEfficiency } from "./describe-efficiency.ts";
export { computeDevice, type Device } from "./device.ts";
export { type DisaggregatedThroughput, disaggregatedThroughput } from "./disaggregated-throughput.ts";
export {
  type ClassProfile,
  type EfficiencyProfile,
  efficiencyProfile,
  efficiencyProfileForChip,
  type ProfileValue,
} from "./efficiency-profile.ts";
export { fusedVectorTime } from "./fused-vector-time.ts";
export type { GemmEfficiencyFactors } from "./gemm-efficiency.ts";
export { type HostTiming, hostTiming, type IterationKind } from "./host-time.ts";
export { type HybridStateLimits, hybridStateLimits } from "./hybrid-state-pool.ts";
export type { DecodeBatch, InstancePerformance, PrefillBatch } from "./instance-performance.ts";
export { instanceKvCapacityTokens } from "./kv-capacity.ts";
export { atOfflineBatch } from "./offline-batch.ts";
export { type OfflineEstimate, type OfflinePoint, offlineSearch } from "./offline-point.ts";
export {
  type OperatorBound,
  type OperatorTimeOptions,
  type OperatorTiming,
  operatorTime,
} from "./operator-time.ts";
export { itemsActivityShare } from "./power-limited-clock.ts";
export {
  type OperatorBenchmarkFile,
  type OperatorBenchmarkRecord,
  type OperatorReferenceCase,
  operatorReferenceCases,
} from "./reference-cases.ts";
export {
  type RooflineOptions,
  type RooflineReport,
  type RooflineRow,
  type RooflineSection,
  type RooflineWorkload,
  rooflineReport,
} from "./roofline.ts";
export type { StepBatch, StepContext } from "./step-context.ts";
export {
  type DecodeEstimate,
  type Estimate,
  estimate,
  type MemoryPerChip,
  memoryPerChip,
  type PhaseEstimate,
  type PrefillEstimate,
} from "./step-estimate.ts";
export { instancePerformance } from "./step-instance-performance.ts";
export type { LayerTiming, StreamTiming } from "./step-layer.ts";
export type { LayerStep, StepActivity, StepBound, StepBreakdown, StepPhase } from "./step-model.ts";
export { stepContext } from "./step-model.ts";
export { type SharedDevice, type StepItem, shareOf } from "./step-operators.ts";
export type { DraftStep, InstanceStep, OffloadStep } from "./step-pipeline.ts";
export { instanceStepTime } from "./step-pipeline.ts";
export type { PipelineStep, PipelineTransfer } from "./step-pipeline-stages.ts";
export {
  atClockFraction,
  type SustainedClock,
  type SustainedClockData,
  sustainedClock,
  sustainedClockData,
} from "./sustained-clock.ts";
export { type RequestShape, workloadShape } from "./workload-shape.ts";
