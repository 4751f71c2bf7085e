/**
 * Which server each drawn node of a system's topology belongs to, for the topology layout: the
 * links of the drawn tiers per node, ranks by their server, level-1 switches serving one server and
 * the CPUs beside them; the other drawn switches form the shared band above the servers.
 */
import type { System } from "../hardware/index.ts";
import { LINK_TIERS, type LinkTier, type Topology } from "../topology/index.ts";

const DRAWN_TIERS: ReadonlySet<LinkTier> = new Set(["die-to-die", "scale-up-access", "scale-up-core", "cpu"]);

export interface ServerMembers {
  readonly ranks: number[];
  readonly cpus: number[];
  readonly switches: number[];
}

export interface DrawnGraph {
  readonly tierOf: (link: number) => LinkTier;
  /** Directed link ids of the drawn tiers touching each node. */
  readonly nodeLinks: readonly number[][];
  /** The server of each node (-1: none, e.g. a shared switch). */
  readonly server: Int32Array;
  /** The scale-up plane of a node's links (-1: none). */
  readonly planeOf: (node: number) => number;
  /** The drawn nodes of each server. */
  readonly members: readonly ServerMembers[];
  /** Drawn switches that belong to no single server. */
  readonly band: readonly number[];
}

/** @example drawnGraph(buildTopology(system), system).members.length === system.nodes.value */
export function drawnGraph(topology: Topology, system: System): DrawnGraph {
  const tierOf = (l: number): LinkTier => LINK_TIERS[topology.linkTier[l] ?? 0] ?? "die-to-die";
  const n = topology.nodeCount;
  const nodeLinks: number[][] = Array.from({ length: n }, () => []);
  for (let l = 0; l < topology.linkCount; l++) {
    if (!DRAWN_TIERS.has(tierOf(l))) continue;
    nodeLinks[topology.linkFrom[l] ?? 0]?.push(l);
    nodeLinks[topology.linkTo[l] ?? 0]?.push(l);
  }
  const isDrawnSwitch = (v: number) => topology.nodeKind[v] === "switch" && (nodeLinks[v]?.length ?? 0) > 0;
  const server = serverOfNodes(topology, nodeLinks, isDrawnSwitch);
  const planeOf = (v: number) => {
    const l = nodeLinks[v]?.find((x) => (topology.linkPlane[x] ?? -1) >= 0);
    return l === undefined ? -1 : (topology.linkPlane[l] ?? -1);
  };
  const servers = system.nodes.value;
  const members: ServerMembers[] = Array.from({ length: servers }, () => ({
    ranks: [],
    cpus: [],
    switches: [],
  }));
  const band: number[] = [];
  for (let v = 0; v < n; v++) {
    const s = server[v] ?? -1;
    const kind = topology.nodeKind[v];
    if (s >= 0 && s < servers) {
      const m = members[s];
      if (kind === "rank") m?.ranks.push(v);
      else if (kind === "cpu") m?.cpus.push(v);
      else if (kind === "switch") m?.switches.push(v);
    } else if (isDrawnSwitch(v)) band.push(v);
  }
  return { tierOf, nodeLinks, server, planeOf, members, band };
}

/** Ranks by their server; level-1 switches serving one server belong to it; then CPUs take their neighbours' server. */
function serverOfNodes(
  topology: Topology,
  nodeLinks: readonly number[][],
  isDrawnSwitch: (v: number) => boolean,
): Int32Array {
  const n = topology.nodeCount;
  const server = new Int32Array(n).fill(-1);
  topology.rankNode.forEach((node, r) => {
    server[node] = topology.rankServer[r] ?? 0;
  });
  const neighbours = (v: number) =>
    (nodeLinks[v] ?? []).map((l) =>
      topology.linkFrom[l] === v ? (topology.linkTo[l] ?? 0) : (topology.linkFrom[l] ?? 0),
    );
  for (let v = 0; v < n; v++) {
    if (!isDrawnSwitch(v) || topology.nodeLevel[v] !== 1) continue;
    const servers = new Set(
      neighbours(v)
        .filter((u) => topology.nodeKind[u] === "rank")
        .map((u) => server[u]),
    );
    if (servers.size === 1) server[v] = [...servers][0] ?? -1;
  }
  for (let v = 0; v < n; v++) {
    if (topology.nodeKind[v] !== "cpu") continue;
    const owner = neighbours(v).find((u) => (server[u] ?? -1) >= 0);
    if (owner !== undefined) server[v] = server[owner] ?? -1;
  }
  return server;
}
