// @supernode/core — the library: everything that computes. No Node, no DOM.
// The public surface, one file per layer in public/ (each names, from that layer's own index.ts,
// the exports the CLI, the web app, the scripts and the benchmarks use; docs/architecture.md).
// This is the core's one `export *`: every name it re-exports is listed by name in a public/ file.

export * from "./public/catalog.ts";
export * from "./public/deploy.ts";
export * from "./public/energy.ts";
export * from "./public/explore.ts";
export * from "./public/hardware.ts";
export * from "./public/model.ts";
export * from "./public/network.ts";
export * from "./public/perf.ts";
export * from "./public/report.ts";
export * from "./public/serving.ts";
export * from "./public/spec.ts";
export * from "./public/topology.ts";
export * from "./public/training.ts";
