// Public surface of the `spec` layer: units, errors, document parsing, the user-facing schemas, Sourced values, limits.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { parseAdaptive, safeParseAdaptive } from "./adaptive-parse.ts";
export { BoundedMemo } from "./bounded-memo.ts";
export { calibratedOnSchema } from "./calibrated-on.ts";
export { compareVersions } from "./compare-versions.ts";
export { productOf, ratioOf, sumOf } from "./derive.ts";
export type { CostSection, PowerSection } from "./energy-schema.ts";
export {
  DECODE_GRAPH_MODES,
  ENGINE_NAMES,
  type EngineSpec,
  HCCL_EXPANSION_MODES,
  type ServingEngineName,
} from "./engine-schema.ts";
export { type ErrorLocation, isSupernodeError, SupernodeError, type SupernodeErrorKind } from "./errors.ts";
export {
  type ChipDefinition,
  chipDefinitionSchema,
  type FabricDefinition,
  fabricDefinitionSchema,
  type HardwareFile,
  hardwareFileSchema,
  type SystemDefinition,
  systemDefinitionSchema,
} from "./hardware-schema.ts";
export { inlineSourcedValueSchema, inlineSourceSchema } from "./inline-sourced-value.ts";
export {
  keyedSourcedValueSchema,
  keyedSourceFields,
  sourceKeyCheck,
  sourcesBlockSchema,
} from "./keyed-sourced-value.ts";
export { groupThousands, LIMITS } from "./limits.ts";
export { memoByObject } from "./memo-by-object.ts";
export type { ExpertImbalanceSpec } from "./moe-parallel-schema.ts";
export type { OfflineSpec } from "./offline-schema.ts";
export type { OffloadSpec } from "./offload-schema.ts";
export {
  parseDocument,
  preparseDocument,
  readSourceDocument,
  type SourceDocument,
  schemaError,
  validateDocument,
} from "./parse-document.ts";
export type { PipelineSpec } from "./pipeline-schema.ts";
export {
  type ComponentPrecisionSpec,
  type PrecisionComponentsSpec,
  type PrecisionSpec,
  quantSchemeSchema,
  scenarioDtypeSchema,
} from "./precision-schema.ts";
export { registerPreparsed } from "./preparsed-data.ts";
export { type ReferenceRole, referenceCaseSchema, referenceRoleSchema } from "./reference-case-schema.ts";
export { engineReleaseSchema } from "./release-schema.ts";
export { applyOverrides, overrideError, parseOverride, type ScenarioOverride } from "./scenario-overrides.ts";
export {
  type DeploymentSpec,
  type InstanceGroupSpec,
  type LmHeadParallelSpec,
  type ScenarioDocument,
  scenarioModelSchema,
  scenarioSchema,
  scenarioSystemSchema,
} from "./scenario-schema.ts";
export type { SchedulerPolicy } from "./serving-schema.ts";
export {
  type KvCacheSpec,
  mixesPrefillWithDecode,
  type PrefixCacheSpec,
  type RouterPolicy,
  type SchedulerSpec,
  type ServingSpec,
  servingSchema,
} from "./serving-schema.ts";
export { refuseForeignSglangBlock } from "./sglang-parallel-schema.ts";
export { type Alternative, derived, type EvidenceTag, type Sourced, type SourceRef } from "./sourced.ts";
export { EVIDENCE_TAGS, type SourcedNumberInput, sourceKeysSchema } from "./sourced-number-schema.ts";
export type { SpeculativeSpec } from "./speculative-schema.ts";
export { didYouMean, nearestNames } from "./suggest.ts";
export {
  MAX_SWEEP_POINTS,
  type SweepCommand,
  type SweepPlanDocument,
  sweepPlanSchema,
} from "./sweep-schema.ts";
export type { PipelineSchedule, TrainingParallelismSpec } from "./training-parallelism-schema.ts";
export {
  type TrainingPrecisionSpec,
  type TrainingScenarioDocument,
  trainingScenarioSchema,
} from "./training-schema.ts";
export { GIGA, MEGA, MICROSECOND, NANOSECOND, parseByteSize, TERA } from "./units.ts";
export { WordKey, WordMemo } from "./word-memo.ts";
export {
  type ArrivalSpec,
  type LengthDistributionSpec,
  type PrefixSharingSpec,
  type WorkloadSpec,
  workloadSchema,
} from "./workload-schema.ts";
