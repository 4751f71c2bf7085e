// Public surface of the `deploy` layer: parallelism plans, placement, memory fit, the resolved scenario.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { type RandomPlacement, randomPlacementOccupancy } from "./dp-rank-occupancy.ts";
export { type HybridStatePool, runningRequestSlots } from "./engine-hybrid-state-schema.ts";
export {
  type EnginePolicy,
  type EngineProfile,
  engineProfile,
  type HostTime,
  type SeparateKernels,
} from "./engine-profile.ts";
export type { EngineSampler, SamplerCurve } from "./engine-sampler.ts";
export type { EplbPlacement } from "./eplb-placement.ts";
export { expertImbalanceFactor, type ImbalanceContext, type ImbalanceResult } from "./expert-imbalance.ts";
export type { ExpertLoadSkewProfile, ExpertPopularity } from "./expert-popularity.ts";
export { type HostLink, hostLinkFor } from "./host-links.ts";
export { type InstanceRankMemory, instanceRankMemory } from "./instance-memory.ts";
export { type LengthPoint, lengthPoints } from "./length-points.ts";
export {
  activationBytesPerToken,
  type MemoryBreakdown,
  perChip,
  type RankMemory,
  rankLoad,
  rankMemory,
  type StageRange,
  servingKvBytesPerToken,
} from "./memory.ts";
export { combineBytesPerToken, dispatchBytesPerToken, moeTokenWidth } from "./moe-payload.ts";
export {
  fixedOfflineLengths,
  kvPerSequence,
  type LengthMoments,
  lengthMoments,
  longestLength,
  type OfflineLengths,
  offlineLengths,
  reservedToMaxTokens,
} from "./offline-lengths.ts";
export type { OfflinePlan } from "./offline-plan.ts";
export type { OffloadPlan } from "./offload-plan.ts";
export type { PipelinePlan } from "./pipeline-plan.ts";
export type { FieldFailure, InstancePlan, InstanceRole, MoePlan, MtpPlan } from "./plan.ts";
export { infeasible } from "./plan-failure.ts";
export { decodeSequences } from "./plan-operating-point.ts";
export {
  type ComponentPrecision,
  componentPrecisionOptions,
  type DtypeMapping,
  describePrecision,
  type Precision,
  precisionWeightFormats,
  type ResolvePrecisionContext,
} from "./precision.ts";
export {
  type ParseScenarioOptions,
  parseScenario,
  parseScenarioSource,
  type Scenario,
} from "./scenario.ts";
export { resolveScenarioModel, resolveScenarioSystem, type ScenarioCatalog } from "./scenario-resolve.ts";
export { parseScenarioVariant, type ScenarioSource, scenarioSource } from "./scenario-variant.ts";
export { draftPrecision, type SpeculativeDraft } from "./speculative-plan.ts";
export { type StepOverheads, stepOverheads } from "./step-overheads.ts";
export type { OverlapSchedule, ScheduleSegment } from "./stream-profiles.ts";
export {
  OPERATOR_GROUPS,
  type OperatorGroup,
  type StreamProfile,
  type StreamRole,
  type StreamSpec,
} from "./stream-profiles.ts";
