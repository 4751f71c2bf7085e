/**
 * A validated cluster-fabric definition (file units) → the SI `ClusterFabric`.
 */
import type { ClusterFabric } from "../hardware/types.ts";
import type { FabricDefinition } from "../spec/hardware-schema.ts";
import { GIGA, NANOSECOND } from "../spec/units.ts";
import { type SourceRegistry, toSourced } from "./source-links.ts";

/** @example fabricFromDefinition(def, registry).linkBandwidthBytesPerS.value === 50e9 */
export function fabricFromDefinition(def: FabricDefinition, registry: SourceRegistry): ClusterFabric {
  const tiersSourced = toSourced(def.tiers, registry);
  const oversubscriptionSourced = toSourced(def.oversubscription, registry);
  const switchRadixSourced = toSourced(def.switchRadix, registry);
  return {
    id: def.id,
    name: def.name,
    kind: def.kind,
    technology: def.technology,
    tiers: tiersSourced.value,
    railOptimized: def.railOptimized,
    oversubscription: oversubscriptionSourced.value,
    switchRadix: switchRadixSourced.value,
    tiersSourced,
    oversubscriptionSourced,
    switchRadixSourced,
    linkBandwidthBytesPerS: toSourced(def.linkGBps, registry, GIGA),
    hopLatencyS: toSourced(def.hopLatencyNs, registry, NANOSECOND),
  };
}
