// What @supernode/core exports of the catalog layer: by name, from the layer's index.ts (its surface
// for the layers above); the package index (../index.ts) re-exports this list. docs/architecture.md.

export {
  builtinCatalog,
  type CalibratedValue,
  type Catalog,
  calibrationLedger,
  extendCatalog,
  type ReferenceComparison,
  type ReferenceRole,
  recordIdOf,
  referenceRoleSchema,
  valuesSetFrom,
} from "../catalog/index.ts";
