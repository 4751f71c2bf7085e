// Public surface of the `network` layer: collectives as transfer schedules and their cost engines.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { analyticCollective } from "./analytic-engine.ts";
export { type CollectiveEngine, collectiveTime } from "./collective-time.ts";
export {
  ALGORITHMS,
  type Algorithm,
  COLLECTIVE_OPS,
  type CollectiveOp,
  type CollectiveRequest,
  type CollectiveResult,
  type EngineName,
  type LinkLoad,
  type Transport,
} from "./collective-types.ts";
export {
  type EngineOwnAllReduce,
  engineOwnAllReduce,
  oneShotAllReduceS,
  oneShotIfFaster,
} from "./engine-all-reduce.ts";
export { type FabricModel, fabricModel } from "./fabric-model.ts";
export { flowCollective, type PhaseOutcome, type ScheduleOutcome, simulateSchedule } from "./flow-engine.ts";
export {
  type MoeCommRequest,
  type MoeCommResult,
  type MoeDirection,
  moeCombineTime,
  moeDispatchTime,
} from "./moe-communication.ts";
export type { MoeDestinations, MoeRouting } from "./moe-routing.ts";
export { expectedDestinations } from "./moe-routing.ts";
export { moeTrafficMatrix } from "./moe-traffic-matrix.ts";
export { builtinNcclProtocols } from "./nccl-protocol-file.ts";
export {
  type FabricCaseConditions,
  type FabricReferenceCase,
  fabricReferenceCases,
} from "./reference-cases.ts";
export { type ResolvedRequest, resolveRequest } from "./resolve-request.ts";
export type { Schedule, SchedulePhase } from "./schedules.ts";
export { vllmCustomAllReduceS } from "./vllm-custom-all-reduce.ts";
