/**
 * A validated cluster-fabric definition (file units) → the SI `ClusterFabric`.
 */
import type { ClusterFabric } from "../hardware/types.ts";
import type { FabricDefinition } from "../spec/hardware-schema.ts";
import { GIGA, NANOSECOND } from "../spec/units.ts";
import { type SourceRegistry, toSourced } from "./source-links.ts";

/** @example fabricFromDefinition(def, registry).linkBandwidthBytesPerS.value === 50e9 */
export function fabricFromDefinition(def: FabricDefinition, registry: SourceRegistry): ClusterFabric {
  return {
    id: def.id,
    name: def.name,
    kind: def.kind,
    technology: def.technology,
    tiers: def.tiers.value,
    railOptimized: def.railOptimized,
    oversubscription: def.oversubscription.value,
    switchRadix: def.switchRadix.value,
    linkBandwidthBytesPerS: toSourced(def.linkGBps, registry, GIGA),
    hopLatencyS: toSourced(def.hopLatencyNs, registry, NANOSECOND),
  };
}
