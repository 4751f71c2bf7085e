// @supernode/core — the library: everything that computes. No Node, no DOM.

export * from "./catalog/sourced.ts";
export * from "./hardware/types.ts";
export * from "./model/types.ts";
export * from "./spec/errors.ts";
export * from "./spec/units.ts";
export * from "./spec/suggest.ts";
export * from "./model/hf-config.ts";
export * from "./model/zoo.ts";
export * from "./model/layer-kinds.ts";
export * from "./model/weight-tensors.ts";
export * from "./model/parameters.ts";
export * from "./perf/device.ts";
export * from "./perf/efficiency-profile.ts";
export * from "./perf/gemm-efficiency.ts";
export * from "./perf/operator-time.ts";
export * from "./perf/reference-cases.ts";
export * from "./model/weight-bytes.ts";
export * from "./model/kv-cache.ts";
export * from "./model/workload.ts";
export * from "./model/layer-operators.ts";
export * from "./model/backward-operators.ts";
export * from "./catalog/catalog.ts";
export * from "./catalog/derive.ts";
export * from "./spec/hardware-schema.ts";
export * from "./report/topology-layout.ts";
export * from "./hardware/system-totals.ts";
