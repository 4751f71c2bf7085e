/**
 * Per-rank bytes on each tier and the time they take at the tiers' achievable bandwidth: the core
 * of the analytical engine ("per-tier latency + size / bandwidth, aware of the bottleneck tier").
 */
import type { LinkTier } from "../topology/index.ts";
import type { LinkLoad } from "./collective-types.ts";
import type { FabricModel } from "./fabric-model.ts";

/** Bytes one rank puts on each tier (its own links; core tiers as its share of the aggregate). */
export interface TierLoads {
  d2d: number;
  access: number;
  core: number;
  scaleOut: number;
  scaleOutCore: number;
}

export function emptyLoads(): TierLoads {
  return { d2d: 0, access: 0, core: 0, scaleOut: 0, scaleOutCore: 0 };
}

/**
 * Adds `bytes` sent to peers of a distance class. Cross-rail scale-out traffic also crosses the
 * leaf uplinks (rail-optimised tree: peers on the same rail share a leaf).
 */
export function addClassBytes(
  model: FabricModel,
  loads: TierLoads,
  k: number,
  bytes: number,
  scaleOutTransport: boolean,
): void {
  if (bytes <= 0) return;
  if (scaleOutTransport || k === 3) {
    loads.scaleOut += bytes;
    const crossRail = model.ranksPerServer > 1 ? (model.ranksPerServer - 1) / model.ranksPerServer : 0;
    loads.scaleOutCore += bytes * (k === 3 ? crossRail : 1);
    return;
  }
  if (k === 0) loads.d2d += bytes;
  else loads.access += bytes;
  if (k === 2) loads.core += bytes;
}

const TIERS: ReadonlyArray<[keyof TierLoads, LinkTier, keyof FabricModel]> = [
  ["d2d", "die-to-die", "d2dBytesPerS"],
  ["access", "scale-up-access", "accessBytesPerS"],
  ["core", "scale-up-core", "coreBytesPerS"],
  ["scaleOut", "scale-out-access", "scaleOutBytesPerS"],
  ["scaleOutCore", "scale-out-core", "scaleOutCoreBytesPerS"],
];

/** Seconds the loads take, the limiting tier, and the per-tier report (most loaded first). */
export function loadsTime(
  model: FabricModel,
  loads: TierLoads,
): { seconds: number; bottleneck: LinkTier | undefined; report: LinkLoad[] } {
  let seconds = 0;
  let bottleneck: LinkTier | undefined;
  const times: Array<[LinkTier, number, number]> = [];
  for (const [key, tier, bwKey] of TIERS) {
    const bytes = loads[key];
    if (bytes <= 0) continue;
    const bw = model[bwKey] as number;
    const t = bytes / bw;
    times.push([tier, bytes, t]);
    if (t > seconds) {
      seconds = t;
      bottleneck = tier;
    }
  }
  const report = times
    .map(([tier, bytes, t]) => ({
      label: `${tier} (per rank)`,
      tier,
      bytes,
      utilization: seconds > 0 ? t / seconds : 0,
    }))
    .sort((a, b) => b.utilization - a.utilization);
  return { seconds, bottleneck, report };
}
