// @supernode/core — the library: everything that computes. No Node, no DOM.

export * from "./catalog/sourced.ts";
export * from "./hardware/types.ts";
export * from "./model/types.ts";
export * from "./spec/errors.ts";
export * from "./spec/units.ts";
export * from "./spec/suggest.ts";
