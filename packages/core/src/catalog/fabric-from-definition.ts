/**
 * A validated cluster-fabric definition (file units) → the SI `ClusterFabric`.
 */
import type { ClusterFabric } from "../hardware/index.ts";
import { type FabricDefinition, GIGA, NANOSECOND } from "../spec/index.ts";
import { type SourceRegistry, toSourced } from "./source-links.ts";

/** @example fabricFromDefinition(def, registry).linkBandwidthBytesPerS.value === 50e9 */
export function fabricFromDefinition(def: FabricDefinition, registry: SourceRegistry): ClusterFabric {
  return {
    id: def.id,
    name: def.name,
    kind: def.kind,
    technology: def.technology,
    tiers: toSourced(def.tiers, registry),
    railOptimized: def.railOptimized,
    oversubscription: toSourced(def.oversubscription, registry),
    switchRadix: toSourced(def.switchRadix, registry),
    linkBandwidthBytesPerS: toSourced(def.linkGBps, registry, GIGA),
    hopLatencyS: toSourced(def.hopLatencyNs, registry, NANOSECOND),
  };
}
