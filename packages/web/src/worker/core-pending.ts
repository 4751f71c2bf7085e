// Core modules not (yet) exported from @supernode/core's barrel; replace with `@supernode/core`
// imports as the barrel gains them.
export * from "../../../core/src/network/resolve-request.ts";
