// Temporary: core modules not yet exported from @supernode/core's barrel. Replace with
// `@supernode/core` imports as the barrel gains them.

export * from "../../../core/src/deploy/memory.ts";
export * from "../../../core/src/deploy/scenario.ts";
export * from "../../../core/src/network/collective-types.ts";
export * from "../../../core/src/network/fabric-model.ts";
export * from "../../../core/src/network/flow-engine.ts";
export * from "../../../core/src/network/resolve-request.ts";
export * from "../../../core/src/perf/step-estimate.ts";
export * from "../../../core/src/serving/simulation-result.ts";
export * from "../../../core/src/topology/build-topology.ts";
export * from "../../../core/src/topology/graph.ts";
