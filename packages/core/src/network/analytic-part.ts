/**
 * The analytical engine's closed forms of one pattern on the per-tier view of the fabric
 * (`FabricModel`): a ring of steps, one uniform exchange among all ranks, one send. Each costs its
 * one-way latency plus the time its bytes take on the bottleneck tier (`Part`).
 */
import type { LinkTier } from "../topology/index.ts";
import type { LinkLoad } from "./collective-types.ts";
import { type FabricModel, peersByClass } from "./fabric-model.ts";
import { ringCrossing } from "./nccl-ring.ts";
import { addClassBytes, emptyLoads, loadsTime, type TierLoads } from "./tier-loads.ts";

/** One pattern's cost: latency, transfer time, its bottleneck tier and the loaded links. */
export interface Part {
  latencyS: number;
  transferS: number;
  bottleneck: LinkTier | undefined;
  report: LinkLoad[];
}

/** The farthest peer class with any ranks (0 package, 1 server, 2 system, 3 scale-out). */
export function highestClass(c: readonly number[]): number {
  for (let k = 3; k >= 0; k--) if ((c[k] ?? 0) > 0) return k;
  return 0;
}

/** Per-rank loads of one ring step carrying `chunk` bytes (all channels together). */
export function ringStepLoads(model: FabricModel, n: number, chunk: number): TierLoads {
  const c = peersByClass(model, n);
  const loads = emptyLoads();
  if (c[0] > 0) loads.d2d = chunk;
  // across systems the ranks form groups (a server, or NCCL's whole NVLink domain), each crossing
  // out through one rank and NIC per channel; that rank sends its channel's share over the NIC
  // instead of the scale-up fabric, which every rank carries in full once channels < group
  const x = ringCrossing(model, n);
  if (c[1] + c[2] > 0)
    loads.access = c[3] > 0 && x.channels >= x.group ? (chunk * (x.group - 1)) / x.group : chunk;
  if (c[2] > 0) loads.core = chunk / model.ranksPerServer;
  // one ring channel per NIC: a group's crossing traffic is spread over its channels' NICs
  if (c[3] > 0) loads.scaleOut = chunk / x.channels;
  return loads;
}

/** `steps` ring steps, each carrying bytes ÷ n per rank. */
export function ringPart(model: FabricModel, n: number, bytes: number, steps: number): Part {
  const c = peersByClass(model, n);
  const step = loadsTime(model, ringStepLoads(model, n, bytes / n));
  const alpha = model.latencyS[highestClass(c) as 0] ?? 0;
  return {
    latencyS: steps * alpha,
    transferS: steps * step.seconds,
    bottleneck: step.bottleneck,
    report: step.report,
  };
}

/** One phase in which every rank sends `perPeer` bytes to each peer (uniform all-to-all). */
export function directPart(model: FabricModel, n: number, perPeer: number, scaleOut: boolean): Part {
  const c = peersByClass(model, n);
  const loads = emptyLoads();
  for (let k = 0; k < 4; k++) addClassBytes(model, loads, k, (c[k] ?? 0) * perPeer, scaleOut);
  const t = loadsTime(model, loads);
  const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[highestClass(c) as 0] ?? 0);
  return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}

/** One send of `bytes` to the farthest peer class (no core or scale-out core hop: rank to rank). */
export function sendPart(model: FabricModel, n: number, bytes: number, scaleOut: boolean): Part {
  const k = highestClass(peersByClass(model, n));
  const loads = emptyLoads();
  addClassBytes(model, loads, k, bytes, scaleOut);
  loads.core = 0;
  loads.scaleOutCore = 0;
  const t = loadsTime(model, loads);
  const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[k as 0] ?? 0);
  return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}

/**
 * One NVLS pass through the domain's switches: `bytes` per rank per direction on its access link,
 * inflated by NVLS's lower achievable fraction, with one switch-hop latency.
 */
export function inSwitchPart(model: FabricModel, bytes: number): Part {
  const loads = emptyLoads();
  loads.access = bytes * model.inSwitchInflation;
  const t = loadsTime(model, loads);
  return { latencyS: model.latencyS[1], transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}
