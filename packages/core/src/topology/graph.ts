/**
 * The graph of a system or cluster: nodes (ranks, CPUs, DPUs, switches) and directed links with
 * capacity (bytes/s, per direction) and latency, in typed arrays. Built once per system by
 * `buildTopology`; read-only afterwards. Links come in pairs (one per direction).
 */

export type NodeKind = "rank" | "cpu" | "dpu" | "switch";

/** Which network a link belongs to and where in it. */
export type LinkTier =
  | "die-to-die" // between the dies of one package
  | "scale-up-access" // endpoint <-> first switch of the scale-up fabric (UB L1, NVSwitch)
  | "scale-up-core" // switch <-> switch in the scale-up fabric (UB L1 <-> L2)
  | "cpu" // CPU attachment (UB CPU links, NVLink-C2C)
  | "scale-out-access" // NIC <-> leaf switch
  | "scale-out-core" // leaf <-> spine
  | "vpc"; // front-end / VPC plane

export const LINK_TIERS: readonly LinkTier[] = [
  "die-to-die",
  "scale-up-access",
  "scale-up-core",
  "cpu",
  "scale-out-access",
  "scale-out-core",
  "vpc",
];

/** Which network a link or an uplink belongs to. */
export type Network = "scale-up" | "scale-out" | "die" | "cpu" | "vpc";

export interface Topology {
  readonly name: string;
  readonly nodeCount: number;
  readonly nodeKind: readonly NodeKind[];
  readonly nodeName: readonly string[];
  /** Switch level: 1 = leaf/L1, 2 = spine/L2; 0 for endpoints. */
  readonly nodeLevel: Uint8Array;
  readonly linkCount: number;
  readonly linkFrom: Int32Array;
  readonly linkTo: Int32Array;
  /** Bytes per second, this direction, line rate. */
  readonly linkCapacity: Float64Array;
  readonly linkLatencyS: Float64Array;
  /** Index into LINK_TIERS. */
  readonly linkTier: Uint8Array;
  /** Plane index for multi-plane fabrics (-1 when not applicable). */
  readonly linkPlane: Int16Array;
  /** CSR adjacency: links leaving node i are outLinks[outOffset[i] .. outOffset[i+1]). */
  readonly outOffset: Int32Array;
  readonly outLinks: Int32Array;
  /** Node id of each rank (die on CloudMatrix384, GPU elsewhere), in rank order. */
  readonly rankNode: Int32Array;
  /** Package (chip), node (server/tray) and system index of each rank. */
  readonly rankPackage: Int32Array;
  readonly rankServer: Int32Array;
  readonly rankSystem: Int32Array;
  /** Number of planes of the scale-up fabric. */
  readonly scaleUpPlanes: number;
}

/** Accumulates nodes and links, then freezes them into a `Topology`. */
export class TopologyBuilder {
  private readonly kinds: NodeKind[] = [];
  private readonly names: string[] = [];
  private readonly levels: number[] = [];
  private readonly from: number[] = [];
  private readonly to: number[] = [];
  private readonly capacity: number[] = [];
  private readonly latency: number[] = [];
  private readonly tier: number[] = [];
  private readonly plane: number[] = [];

  addNode(kind: NodeKind, name: string, level = 0): number {
    this.kinds.push(kind);
    this.names.push(name);
    this.levels.push(level);
    return this.kinds.length - 1;
  }

  /**
   * Adds both directions of a link; returns the id of the a→b link (b→a is id + 1). `latencyS` is
   * the latency of the switch a direction enters, so it is charged only on directions that end at a switch.
   */
  addDuplex(a: number, b: number, bytesPerS: number, latencyS: number, tier: LinkTier, plane = -1): number {
    const id = this.from.length;
    const t = LINK_TIERS.indexOf(tier);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      this.from.push(x);
      this.to.push(y);
      this.capacity.push(bytesPerS);
      this.latency.push(this.kinds[y] === "switch" ? latencyS : 0);
      this.tier.push(t);
      this.plane.push(plane);
    }
    return id;
  }

  build(
    name: string,
    ranks: { node: number[]; pkg: number[]; server: number[]; system: number[] },
    scaleUpPlanes: number,
  ): Topology {
    const n = this.kinds.length;
    const m = this.from.length;
    const outOffset = new Int32Array(n + 1);
    for (const f of this.from) outOffset[f + 1] = (outOffset[f + 1] ?? 0) + 1;
    for (let i = 0; i < n; i++) outOffset[i + 1] = (outOffset[i + 1] ?? 0) + (outOffset[i] ?? 0);
    const fill = outOffset.slice(0, n);
    const outLinks = new Int32Array(m);
    for (let l = 0; l < m; l++) {
      const f = this.from[l] ?? 0;
      outLinks[fill[f] ?? 0] = l;
      fill[f] = (fill[f] ?? 0) + 1;
    }
    return {
      name,
      nodeCount: n,
      nodeKind: this.kinds,
      nodeName: this.names,
      nodeLevel: Uint8Array.from(this.levels),
      linkCount: m,
      linkFrom: Int32Array.from(this.from),
      linkTo: Int32Array.from(this.to),
      linkCapacity: Float64Array.from(this.capacity),
      linkLatencyS: Float64Array.from(this.latency),
      linkTier: Uint8Array.from(this.tier),
      linkPlane: Int16Array.from(this.plane),
      outOffset,
      outLinks,
      rankNode: Int32Array.from(ranks.node),
      rankPackage: Int32Array.from(ranks.pkg),
      rankServer: Int32Array.from(ranks.server),
      rankSystem: Int32Array.from(ranks.system),
      scaleUpPlanes,
    };
  }
}

/** Tier of a link by id. @example linkTierOf(topo, 0) // "die-to-die" */
export function linkTierOf(topology: Topology, link: number): LinkTier {
  return LINK_TIERS[topology.linkTier[link] ?? 0] ?? "die-to-die";
}

/** "from → to" for reports. @example linkLabel(cm384Topo, 0) // "n0.chip0.die0 → n0.chip0.die1" */
export function linkLabel(topology: Topology, link: number): string {
  return `${topology.nodeName[topology.linkFrom[link] ?? 0]} → ${topology.nodeName[topology.linkTo[link] ?? 0]}`;
}
