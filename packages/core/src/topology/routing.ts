/**
 * Routing over a topology: up-down paths through the switch hierarchy, sprayed over the parallel
 * planes an endpoint is attached to (each plane gets a share of the flow proportional to the
 * endpoint's link capacity into it, as UB and NVLink spray packets), and one uplink of a switch
 * chosen by destination (D-mod-k: the destination's port index on its access switch modulo the
 * number of uplinks, as InfiniBand's
 * fat-tree routing does; how UB picks an L2 switch is not published). D-mod-k keeps uniform
 * traffic (all-to-all, rings) free of uplink collisions, so a non-blocking fabric stays non-blocking.
 */
import { LINK_TIERS, type Topology } from "./graph.ts";

/** Longest path the router produces: endpoint → L1 → L2 → L1 → endpoint. */
export const MAX_HOPS = 4;

/** Which fabric to route over between two endpoints. */
export type RouteNetwork = "scale-up" | "scale-out";

const T_SU_ACCESS = LINK_TIERS.indexOf("scale-up-access");
const T_CPU = LINK_TIERS.indexOf("cpu");
const T_SO_ACCESS = LINK_TIERS.indexOf("scale-out-access");

/** Growable store of sub-flow paths (struct of arrays). */
export class PathSet {
  count = 0;
  links = new Int32Array(MAX_HOPS * 1024);
  hops = new Uint8Array(1024);
  weight = new Float64Array(1024);
  owner = new Int32Array(1024);

  clear(): void {
    this.count = 0;
  }

  /** Makes room for at least `n` sub-flows. */
  reserve(n: number): void {
    while (this.hops.length < n) this.grow();
  }

  push(owner: number, weight: number, a: number, b = -1, c = -1, d = -1): void {
    if (this.count === this.hops.length) this.grow();
    const i = this.count++;
    const o = i * MAX_HOPS;
    this.links[o] = a;
    this.links[o + 1] = b;
    this.links[o + 2] = c;
    this.links[o + 3] = d;
    this.hops[i] = b < 0 ? 1 : c < 0 ? 2 : d < 0 ? 3 : 4;
    this.weight[i] = weight;
    this.owner[i] = owner;
  }

  private grow(): void {
    const size = this.hops.length * 2;
    const links = new Int32Array(size * MAX_HOPS);
    links.set(this.links);
    this.links = links;
    const hops = new Uint8Array(size);
    hops.set(this.hops);
    this.hops = hops;
    const weight = new Float64Array(size);
    weight.set(this.weight);
    this.weight = weight;
    const owner = new Int32Array(size);
    owner.set(this.owner);
    this.owner = owner;
  }
}

/** Precomputed lookups for routing on one topology. */
export class Router {
  private readonly pairA: Int32Array;
  private readonly pairB: Int32Array;
  private readonly pairLink: Int32Array;
  private readonly pairMask: number;
  /** Access switch of each endpoint per scale-up plane ([node * planes + plane]), and on the scale-out fabric. */
  private readonly accessUp: Int32Array;
  private readonly accessOut: Int32Array;
  private readonly planes: number;
  /** Uplinks (to a higher-level switch) per node, CSR. */
  private readonly upOffset: Int32Array;
  private readonly upLinks: Int32Array;
  /** Port index of each endpoint on its scale-up / scale-out access switch: the D-mod-k key. */
  private readonly portUp: Int32Array;
  private readonly portOut: Int32Array;

  constructor(private readonly topo: Topology) {
    const n = topo.nodeCount;
    let size = 1;
    while (size < topo.linkCount * 2) size *= 2;
    this.pairMask = size - 1;
    this.pairA = new Int32Array(size).fill(-1);
    this.pairB = new Int32Array(size);
    this.pairLink = new Int32Array(size);
    for (let l = 0; l < topo.linkCount; l++) {
      const a = topo.linkFrom[l] ?? 0;
      const b = topo.linkTo[l] ?? 0;
      let h = pairHash(a, b) & this.pairMask;
      while ((this.pairA[h] ?? -1) >= 0) h = (h + 1) & this.pairMask;
      this.pairA[h] = a;
      this.pairB[h] = b;
      this.pairLink[h] = l;
    }
    this.planes = Math.max(1, topo.scaleUpPlanes);
    this.accessUp = new Int32Array(n * this.planes).fill(-1);
    this.accessOut = new Int32Array(n).fill(-1);
    for (let l = 0; l < topo.linkCount; l++) {
      const from = topo.linkFrom[l] ?? 0;
      const to = topo.linkTo[l] ?? 0;
      if ((topo.nodeLevel[from] ?? 0) !== 0 || (topo.nodeLevel[to] ?? 0) === 0) continue;
      const tier = topo.linkTier[l] ?? -1;
      if (tier === T_SO_ACCESS) this.accessOut[from] = to;
      else if (tier === T_SU_ACCESS || tier === T_CPU) {
        const plane = Math.max(0, topo.linkPlane[l] ?? 0) % this.planes;
        this.accessUp[from * this.planes + plane] = to;
      }
    }
    const ups: number[][] = Array.from({ length: n }, () => []);
    for (let l = 0; l < topo.linkCount; l++) {
      const f = topo.linkFrom[l] ?? 0;
      const t = topo.linkTo[l] ?? 0;
      const lf = topo.nodeLevel[f] ?? 0;
      if (lf > 0 && (topo.nodeLevel[t] ?? 0) > lf) ups[f]?.push(l);
    }
    this.upOffset = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.upOffset[i + 1] = (this.upOffset[i] ?? 0) + (ups[i]?.length ?? 0);
    this.upLinks = Int32Array.from(ups.flat());
    this.portUp = new Int32Array(n);
    this.portOut = new Int32Array(n);
    for (let sw = 0; sw < n; sw++) {
      if ((topo.nodeLevel[sw] ?? 0) !== 1) continue;
      let up = 0;
      let out = 0;
      for (let k = topo.outOffset[sw] ?? 0; k < (topo.outOffset[sw + 1] ?? 0); k++) {
        const l = topo.outLinks[k] ?? 0;
        const to = topo.linkTo[l] ?? 0;
        if ((topo.nodeLevel[to] ?? 0) !== 0) continue;
        if (topo.linkTier[l] === T_SO_ACCESS) this.portOut[to] = out++;
        else this.portUp[to] = up++;
      }
    }
  }

  /** The direct link from node a to node b, or -1. */
  link(a: number, b: number): number {
    let h = pairHash(a, b) & this.pairMask;
    for (;;) {
      const x = this.pairA[h] ?? -1;
      if (x < 0) return -1;
      if (x === a && this.pairB[h] === b) return this.pairLink[h] ?? -1;
      h = (h + 1) & this.pairMask;
    }
  }

  /**
   * Appends the sub-flow paths from node `src` to node `dst` (weights sum to 1) to `out`. With
   * `onlyPlane` ≥ 0, only that plane's sub-flow is appended (weights then sum to 1 / planes).
   * Returns false when no path exists on that network.
   * @example router.routeInto(topo.rankNode[0], topo.rankNode[40], "scale-up", 0, paths)
   */
  routeInto(
    src: number,
    dst: number,
    network: RouteNetwork,
    owner: number,
    out: PathSet,
    onlyPlane = -1,
  ): boolean {
    const t = this.topo;
    // a direct link (die-to-die, NVLink-C2C, endpoint to switch) serves the scale-up network only:
    // "scale-out" means every byte goes through the NICs
    const direct = network === "scale-up" ? this.link(src, dst) : -1;
    if (direct >= 0) {
      out.push(owner, 1, direct);
      return true;
    }
    const su = network === "scale-up";
    let total = 0;
    const start = t.outOffset[src] ?? 0;
    const end = t.outOffset[src + 1] ?? 0;
    for (let k = start; k < end; k++) {
      const l = t.outLinks[k] ?? 0;
      if (isFirstHop(t.linkTier[l] ?? -1, su) && (t.nodeLevel[t.linkTo[l] ?? 0] ?? 0) > 0)
        total += t.linkCapacity[l] ?? 0;
    }
    if (total === 0) return false;
    const before = out.count;
    const key = (su ? this.portUp[dst] : this.portOut[dst]) ?? 0;
    for (let k = start; k < end; k++) {
      const u = t.outLinks[k] ?? 0;
      if (!isFirstHop(t.linkTier[u] ?? -1, su)) continue;
      const s1 = t.linkTo[u] ?? 0;
      if ((t.nodeLevel[s1] ?? 0) === 0) continue;
      const uPlane = t.linkPlane[u] ?? -1;
      if (onlyPlane >= 0 && uPlane >= 0 && uPlane !== onlyPlane) continue;
      const w = (t.linkCapacity[u] ?? 0) / total;
      const down = this.link(s1, dst);
      if (down >= 0) {
        out.push(owner, w, u, down);
        continue;
      }
      const plane = t.linkPlane[u] ?? -1;
      const t1 = this.accessSwitch(dst, su, plane);
      if (t1 < 0) continue;
      const lastHop = this.link(t1, dst);
      const u0 = this.upOffset[s1] ?? 0;
      const nUp = (this.upOffset[s1 + 1] ?? 0) - u0;
      for (let j = 0; j < nUp; j++) {
        const u2 = this.upLinks[u0 + ((key + j) % nUp)] ?? 0;
        const across = this.link(t.linkTo[u2] ?? 0, t1);
        if (across >= 0) {
          out.push(owner, w, u, u2, across, lastHop);
          break;
        }
      }
    }
    return out.count > before;
  }

  /** The switch through which `dst` is reached on the network in `plane` (any plane if -1). */
  private accessSwitch(dst: number, su: boolean, plane: number): number {
    if (!su) return this.accessOut[dst] ?? -1;
    if (plane >= 0) return this.accessUp[dst * this.planes + (plane % this.planes)] ?? -1;
    for (let p = 0; p < this.planes; p++) {
      const sw = this.accessUp[dst * this.planes + p] ?? -1;
      if (sw >= 0) return sw;
    }
    return -1;
  }
}

function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}

function isFirstHop(tier: number, scaleUp: boolean): boolean {
  return scaleUp ? tier === T_SU_ACCESS || tier === T_CPU : tier === T_SO_ACCESS;
}
