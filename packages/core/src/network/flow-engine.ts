/**
 * The flow-level cost engine: each phase of a collective's schedule is routed over the topology
 * graph (sprayed over planes, ECMP across switches) and its sub-flows share every link max-min
 * fairly until they complete, so congestion, oversubscription and hot spots show. Link capacity is
 * the line rate times the technology's achievable fraction, as in the analytical engine.
 *
 * Plane folding: the planes of a scale-up fabric are identical copies and every transfer is sprayed
 * evenly over them, so the engine solves one plane exactly (every transfer at 1/planes of its bytes,
 * links outside the planes at 1/planes of their capacity) instead of all of them.
 */
import { SupernodeError } from "../spec/index.ts";
import { LINK_TIERS, linkLabel, linkTierOf, MAX_HOPS, PathSet } from "../topology/index.ts";
import { tunerAlgorithm } from "./analytic-engine.ts";
import { collectiveResult } from "./collective-result.ts";
import type { CollectiveRequest, CollectiveResult, LinkLoad } from "./collective-types.ts";
import type { FabricModel } from "./fabric-model.ts";
import { solveMaxMin } from "./max-min.ts";
import { type ResolvedRequest, resolveRequest } from "./resolve-request.ts";
import { scheduleOf } from "./schedules.ts";

const SCALE_OUT_TIERS = new Set([
  LINK_TIERS.indexOf("scale-out-access"),
  LINK_TIERS.indexOf("scale-out-core"),
]);

/** Effective capacity (line rate × achievable fraction) of every link. */
function effectiveCapacity(model: FabricModel): Float64Array {
  const topo = model.topology();
  const cap = new Float64Array(topo.linkCount);
  const vpc = LINK_TIERS.indexOf("vpc");
  for (let l = 0; l < topo.linkCount; l++) {
    const tier = topo.linkTier[l] ?? 0;
    const f =
      tier === vpc
        ? 1
        : SCALE_OUT_TIERS.has(tier)
          ? model.scaleOutTech.writeFraction.value
          : model.scaleUpTech.writeFraction.value;
    cap[l] = (topo.linkCapacity[l] ?? 0) * f;
  }
  return cap;
}

/** What one phase did: per-transfer completion, per-link bytes, and the capacities used. */
export interface PhaseOutcome {
  /** Completion of each transfer of the phase (its last sub-flow), seconds from the phase start. */
  readonly finishS: Float64Array;
  /** Bytes each sub-flow carried, summed per transfer. */
  readonly deliveredBytes: Float64Array;
  /** Bytes each link carried in one run of the phase (folded problem: one plane). */
  readonly carried: Float64Array;
  /** Sum of the first allocation's rates over each link's sub-flows (≤ capacity). */
  readonly initialLoad: Float64Array;
  /** Capacities the phase was solved with. */
  readonly capacity: Float64Array;
  readonly latencyS: number;
}

export interface ScheduleOutcome {
  readonly phases: readonly PhaseOutcome[];
  readonly transferS: number;
  readonly latencyS: number;
  readonly carriedTotal: Float64Array;
  readonly capacity: Float64Array;
  readonly folded: boolean;
}

/**
 * Routes and solves every phase of a resolved request's schedule.
 * @example simulateSchedule(model, resolveRequest(model, { op: "all-to-all", bytes: 1e9, ranks: 16 })).transferS
 */
export function simulateSchedule(model: FabricModel, r: ResolvedRequest): ScheduleOutcome {
  const topo = model.topology();
  const router = model.router();
  const schedule = scheduleOf(model, r);
  const cap = effectiveCapacity(model);
  const nodeRank = new Int32Array(topo.nodeCount).fill(-1);
  topo.rankNode.forEach((node, rank) => {
    nodeRank[node] = rank;
  });
  const rankCap = r.request.rankRateCapBytesPerS;
  const nRanks = topo.rankNode.length;
  const planes = Math.max(1, topo.scaleUpPlanes);
  const fold = planes > 1 && !rankCap;
  if (fold)
    for (let l = 0; l < topo.linkCount; l++)
      if ((topo.linkPlane[l] ?? -1) < 0) cap[l] = (cap[l] ?? 0) / planes;
  // with a per-rank injection cap: one virtual resource per rank, and an unlimited one for switch sources
  const capacity = new Float64Array(topo.linkCount + (rankCap ? nRanks + 1 : 0));
  capacity.set(cap);
  if (rankCap) {
    capacity.fill(rankCap, topo.linkCount);
    capacity[topo.linkCount + nRanks] = Number.POSITIVE_INFINITY;
  }
  const carriedTotal = new Float64Array(topo.linkCount);
  const paths = new PathSet();
  let latencyS = 0;
  let transferS = 0;
  const suEnd = model.scaleUpTech.writeEndpointLatencyS.value;
  const soEnd = model.scaleOutTech.writeEndpointLatencyS.value;
  const outcomes: PhaseOutcome[] = [];
  for (const phase of schedule.phases) {
    paths.clear();
    const m = phase.src.length;
    paths.reserve(m);
    for (let t = 0; t < m; t++) {
      const s = phase.src[t] ?? 0;
      const d = phase.dst[t] ?? 0;
      const rs = nodeRank[s] ?? -1;
      const rd = nodeRank[d] ?? -1;
      const sameSystem = rs < 0 || rd < 0 || (topo.rankSystem[rs] ?? 0) === (topo.rankSystem[rd] ?? 0);
      const network = r.scaleOut || !sameSystem ? "scale-out" : "scale-up";
      if (!router.routeInto(s, d, network, t, paths, fold ? 0 : -1))
        throw new SupernodeError(
          "infeasible",
          `no ${network} path from ${topo.nodeName[s]} to ${topo.nodeName[d]} in ${topo.name}`,
        );
    }
    const F = paths.count;
    const offset = new Int32Array(F + 1);
    for (let f = 0; f < F; f++) offset[f + 1] = (offset[f] ?? 0) + (paths.hops[f] ?? 0) + (rankCap ? 1 : 0);
    const resources = new Int32Array(offset[F] ?? 0);
    const bytes = new Float64Array(F);
    let phaseLatency = 0;
    for (let f = 0; f < F; f++) {
      const owner = paths.owner[f] ?? 0;
      // folded: a plane sub-flow already has weight 1/planes; a path outside the planes carries 1/planes too
      const outside = fold && (topo.linkPlane[paths.links[f * MAX_HOPS] ?? 0] ?? -1) < 0;
      bytes[f] = (phase.bytes[owner] ?? 0) * (paths.weight[f] ?? 0) * (outside ? 1 / planes : 1);
      const hops = paths.hops[f] ?? 0;
      let o = offset[f] ?? 0;
      let lat = 0;
      for (let h = 0; h < hops; h++) {
        const l = paths.links[f * MAX_HOPS + h] ?? 0;
        resources[o++] = l;
        lat += topo.linkLatencyS[l] ?? 0;
      }
      const first = paths.links[f * MAX_HOPS] ?? 0;
      lat += SCALE_OUT_TIERS.has(topo.linkTier[first] ?? 0) ? soEnd : suEnd;
      if (lat > phaseLatency) phaseLatency = lat;
      if (rankCap) {
        const srcRank = nodeRank[phase.src[owner] ?? 0] ?? -1;
        resources[o] = topo.linkCount + (srcRank >= 0 ? srcRank : nRanks);
      }
    }
    const solution = solveMaxMin({ capacity, flowCount: F, offset, resources, bytes });
    const finishS = new Float64Array(m);
    const deliveredBytes = new Float64Array(m);
    const initialLoad = new Float64Array(capacity.length);
    let phaseTime = 0;
    for (let f = 0; f < F; f++) {
      const owner = paths.owner[f] ?? 0;
      const done = solution.finishS[f] ?? 0;
      if (done > (finishS[owner] ?? 0)) finishS[owner] = done;
      deliveredBytes[owner] = (deliveredBytes[owner] ?? 0) + (bytes[f] ?? 0) * (fold ? planes : 1);
      if (done > phaseTime) phaseTime = done;
      for (let q = offset[f] ?? 0; q < (offset[f + 1] ?? 0); q++) {
        const res = resources[q] ?? 0;
        initialLoad[res] = (initialLoad[res] ?? 0) + (solution.initialRate[f] ?? 0);
      }
    }
    transferS += phaseTime * phase.repeat;
    latencyS += phaseLatency * phase.latencyHops * phase.repeat;
    for (let l = 0; l < topo.linkCount; l++)
      carriedTotal[l] = (carriedTotal[l] ?? 0) + (solution.carried[l] ?? 0) * phase.repeat;
    outcomes.push({
      finishS,
      deliveredBytes,
      carried: solution.carried,
      initialLoad,
      capacity,
      latencyS: phaseLatency,
    });
  }
  return { phases: outcomes, transferS, latencyS, carriedTotal, capacity: cap, folded: fold };
}

/**
 * Time of one collective with the flow engine.
 * @example flowCollective(fabricModel(cm384), { op: "all-to-all", bytes: 768e6, ranks: 768 }).timeS
 */
export function flowCollective(model: FabricModel, request: CollectiveRequest): CollectiveResult {
  const chosen = tunerAlgorithm(model, request);
  if (chosen !== undefined) return flowCollective(model, { ...request, algorithm: chosen });
  const r = resolveRequest(model, request);
  if (r.request.bytes === 0)
    return collectiveResult(r, "flow", { latencyS: 0, transferS: 0, bottleneck: "latency", loadedLinks: [] });
  const topo = model.topology();
  const { transferS, latencyS, carriedTotal, capacity: cap, folded: fold } = simulateSchedule(model, r);
  const planes = Math.max(1, topo.scaleUpPlanes);
  const loads: LinkLoad[] = [];
  let best = -1;
  let bestU = 0;
  const utilization = (l: number) => (transferS > 0 ? (carriedTotal[l] ?? 0) / (cap[l] ?? 1) / transferS : 0);
  for (let l = 0; l < topo.linkCount; l++) {
    const u = utilization(l);
    if (u > bestU) {
      bestU = u;
      best = l;
    }
  }
  const order = Array.from({ length: topo.linkCount }, (_, l) => l)
    .filter((l) => (carriedTotal[l] ?? 0) > 0)
    .sort((a, b) => utilization(b) - utilization(a) || a - b)
    .slice(0, 5);
  for (const l of order) {
    const inPlane = (topo.linkPlane[l] ?? -1) >= 0;
    const label =
      fold && inPlane
        ? `${linkLabel(topo, l)} (and its copy in each of ${planes} planes)`
        : linkLabel(topo, l);
    const bytes = (carriedTotal[l] ?? 0) * (fold && !inPlane ? planes : 1);
    loads.push({ label, tier: linkTierOf(topo, l), bytes, utilization: utilization(l) });
  }
  const bottleneck = best >= 0 ? linkTierOf(topo, best) : "latency";
  return collectiveResult(r, "flow", { latencyS, transferS, bottleneck, loadedLinks: loads });
}
