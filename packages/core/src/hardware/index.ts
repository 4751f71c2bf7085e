// Public surface of the `hardware` layer: chip/system/cluster types and their derived figures.
// What the layers above it, the CLI and the web app use (docs/architecture.md).

export { type ComparisonRow, compareSystems, type SystemComparison } from "./compare-systems.ts";
export {
  describeChip,
  describeCluster,
  describeFabric,
  describeSystem,
  type FieldRow,
} from "./describe-hardware.ts";
export type { QuantityUnit } from "./quantity.ts";
export { type SystemTotals, systemTotals } from "./system-totals.ts";
export type { SwitchGeneration } from "./types.ts";
export {
  type Chip,
  type ChipKind,
  type ChipLinkSpec,
  type Cluster,
  type ClusterFabric,
  DTYPE_BYTES,
  DTYPES,
  type Dtype,
  MATH_DTYPES,
  type MemorySpec,
  type NodeMember,
  type NodeSpec,
  type Origin,
  type PowerSpec,
  type RackSpec,
  type ScaleOutSpec,
  type ScaleUpFabric,
  type System,
} from "./types.ts";
