/**
 * The per-tier view of a system or cluster that the analytical engine needs: per-rank achievable
 * bandwidth of each tier (line rate × achievable fraction), one-way latency by distance class,
 * group sizes and the default library. Derived from the same specification and parameters as the
 * topology graph (which is built lazily, only for the flow engine). Memoised per target.
 */
import type { System } from "../hardware/index.ts";
import { SupernodeError } from "../spec/index.ts";
import {
  buildTopology,
  builtinFabricParams,
  defaultScaleOutFabric,
  type FabricParams,
  type FabricTarget,
  isCluster,
  type LibraryId,
  Router,
  ranksPerPackage,
  ranksPerSystem,
  scaleUpBytesPerSPerRank,
  scaleUpHopLatencyS,
  type TechnologyParams,
  type Topology,
  technologyFor,
} from "../topology/index.ts";

export interface FabricModel {
  readonly target: FabricTarget;
  readonly system: System;
  readonly params: FabricParams;
  readonly scaleUpTech: TechnologyParams;
  readonly scaleOutTech: TechnologyParams;
  readonly totalRanks: number;
  readonly ranksPerPackage: number;
  readonly ranksPerServer: number;
  readonly ranksPerSystem: number;
  /** Achievable bytes/s per rank per direction, by tier (Infinity when the tier has no limit). */
  readonly d2dBytesPerS: number;
  readonly accessBytesPerS: number;
  readonly coreBytesPerS: number;
  readonly scaleOutBytesPerS: number;
  readonly scaleOutCoreBytesPerS: number;
  /** One-way small-message latency by distance class over the scale-up fabric (class 3: scale-out). */
  readonly latencyS: readonly [number, number, number, number];
  /** One-way latency when every transfer goes over the NICs. */
  readonly scaleOutLatencyS: number;
  readonly inSwitchReduction: boolean;
  /**
   * Bytes an in-switch reduction moves per byte of payload, relative to ordinary transfers:
   * writeFraction / inSwitchFraction (≥ 1 when multimem operations reach less of the line rate).
   */
  readonly inSwitchInflation: number;
  readonly defaultLibrary: LibraryId;
  readonly defaultMoeLibrary: LibraryId;
  /** The graph and its router, built on first use. */
  topology(): Topology;
  router(): Router;
}

const cache = new WeakMap<object, FabricModel>();

function requireTech(params: FabricParams, label: string, what: string): TechnologyParams {
  const tech = technologyFor(params, label);
  if (tech === undefined)
    throw new SupernodeError(
      "unsupported",
      `no fabric protocol parameters match the ${what} technology "${label}" (known: UB, NVLink, InfiniBand, RoCE; see data/fabric/protocols.yaml)`,
    );
  return tech;
}

/**
 * The fabric model of a system or cluster (memoised per object).
 * @example const f = fabricModel(cm384); f.accessBytesPerS // 196e9 × 0.699
 */
export function fabricModel(target: FabricTarget, params: FabricParams = builtinFabricParams()): FabricModel {
  const hit = cache.get(target);
  if (hit !== undefined && hit.params === params) return hit;
  const system = isCluster(target) ? target.system : target;
  const fabric = isCluster(target) ? target.fabric : defaultScaleOutFabric(system);
  const su = requireTech(params, system.scaleUp.technology, "scale-up");
  const so = requireTech(
    params,
    isCluster(target) ? target.fabric.technology : system.scaleOut.technology,
    "scale-out",
  );
  const rpp = ranksPerPackage(system);
  const rps = system.node.accelerator.count.value * rpp;
  const rpSys = ranksPerSystem(system);
  const systems = isCluster(target) ? target.systems : 1;
  const fu = su.writeFraction.value;
  const fo = so.writeFraction.value;
  const access = scaleUpBytesPerSPerRank(system);
  const d2d =
    rpp > 1 ? system.node.accelerator.chip.dieToDie?.bandwidthBytesPerSPerDirection.value : undefined;
  const f = system.scaleUp;
  const core =
    f.kind === "two-tier-clos" && system.nodes.value > 1
      ? (f.planes.value * f.l1UplinksPerSwitch.value * f.linkBandwidthBytesPerS.value) / rps
      : Number.POSITIVE_INFINITY;
  const nic = Math.min(
    system.scaleOut.bandwidthBytesPerSPerChip.value / rpp,
    fabric.linkBandwidthBytesPerS.value,
  );
  const hop = scaleUpHopLatencyS(system, params);
  const end = su.writeEndpointLatencyS.value;
  const soHop = fabric.hopLatencyS.value > 0 ? fabric.hopLatencyS.value : so.hopLatencyS.value;
  const soLat = so.writeEndpointLatencyS.value + 3 * soHop;
  const interServerHops = f.kind === "two-tier-clos" ? 3 : 1;
  let topo: Topology | undefined;
  let router: Router | undefined;
  const model: FabricModel = {
    target,
    system,
    params,
    scaleUpTech: su,
    scaleOutTech: so,
    totalRanks: rpSys * systems,
    ranksPerPackage: rpp,
    ranksPerServer: rps,
    ranksPerSystem: rpSys,
    d2dBytesPerS: d2d !== undefined ? d2d * fu : access * fu,
    accessBytesPerS: access * fu,
    coreBytesPerS: core * fu,
    scaleOutBytesPerS: nic * fo,
    scaleOutCoreBytesPerS: (nic * fo) / Math.max(1, fabric.oversubscription.value),
    latencyS: [d2d !== undefined ? end : end + hop, end + hop, end + interServerHops * hop, soLat],
    scaleOutLatencyS: soLat,
    inSwitchReduction: f.kind === "single-tier-switch" && f.inSwitchReduction,
    inSwitchInflation: su.inSwitchFraction !== undefined ? fu / su.inSwitchFraction.value : 1,
    defaultLibrary: su.id === "ub" ? "hccl" : "nccl",
    defaultMoeLibrary: su.id === "ub" ? "cann-ep" : "deepep",
    topology() {
      topo ??= buildTopology(target, params);
      return topo;
    },
    router() {
      router ??= new Router(model.topology());
      return router;
    },
  };
  cache.set(target, model);
  return model;
}

/** Peers of rank 0 in each distance class, for a packed communicator of n ranks. */
export function peersByClass(model: FabricModel, n: number): [number, number, number, number] {
  const a = Math.min(n, model.ranksPerPackage);
  const b = Math.min(n, model.ranksPerServer);
  const c = Math.min(n, model.ranksPerSystem);
  return [a - 1, b - a, c - b, n - c];
}
