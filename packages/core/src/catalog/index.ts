// Public surface of the `catalog` layer: the built-in data, loaded into hardware objects with their sources.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { builtinDataOnce, builtinDataText, builtinParsedOnce, parseBuiltinData } from "./builtin-data.ts";
export { type CalibratedValue, calibrationLedger, recordIdOf, valuesSetFrom } from "./calibration-ledger.ts";
export { builtinCatalog, type Catalog, extendCatalog } from "./catalog.ts";
export { embeddedDataFiles } from "./embedded-data.generated.ts";
export { type ReferenceComparison, type ReferenceRole, referenceRoleSchema } from "./reference-comparison.ts";
