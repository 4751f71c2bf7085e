/**
 * Routing over a topology: up-down paths through the switch hierarchy, sprayed over the parallel
 * planes an endpoint is attached to (each plane gets a share of the flow proportional to the
 * endpoint's link capacity into it, as UB and NVLink spray packets), and one ECMP choice (a hash
 * of source, destination and plane) among the uplinks of a switch.
 */
import { LINK_TIERS, type Topology } from "./graph.ts";

/** Longest path the router produces: endpoint → L1 → L2 → L1 → endpoint. */
export const MAX_HOPS = 4;

/** Which fabric to route over between two endpoints. */
export type RouteNetwork = "scale-up" | "scale-out";

const T_D2D = LINK_TIERS.indexOf("die-to-die");
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

function mix(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(c + 1, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** Precomputed lookups for routing on one topology. */
export class Router {
  private readonly pair = new Map<number, number>();
  /** Uplinks (to a higher-level switch) per node, CSR. */
  private readonly upOffset: Int32Array;
  private readonly upLinks: Int32Array;

  constructor(private readonly topo: Topology) {
    const n = topo.nodeCount;
    for (let l = 0; l < topo.linkCount; l++)
      this.pair.set((topo.linkFrom[l] ?? 0) * n + (topo.linkTo[l] ?? 0), l);
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
  }

  /** The direct link from node a to node b, or -1. */
  link(a: number, b: number): number {
    return this.pair.get(a * this.topo.nodeCount + b) ?? -1;
  }

  /**
   * Appends the sub-flow paths from node `src` to node `dst` (weights sum to 1) to `out`.
   * Returns false when no path exists on that network.
   * @example router.routeInto(topo.rankNode[0], topo.rankNode[40], "scale-up", 0, paths)
   */
  routeInto(src: number, dst: number, network: RouteNetwork, owner: number, out: PathSet): boolean {
    const t = this.topo;
    const direct = this.link(src, dst);
    if (direct >= 0) {
      const tier = t.linkTier[direct];
      if (tier === T_D2D || tier === T_CPU || network === "scale-up") {
        out.push(owner, 1, direct);
        return true;
      }
    }
    const first = network === "scale-up" ? [T_SU_ACCESS, T_CPU] : [T_SO_ACCESS];
    let total = 0;
    const start = t.outOffset[src] ?? 0;
    const end = t.outOffset[src + 1] ?? 0;
    for (let k = start; k < end; k++) {
      const l = t.outLinks[k] ?? 0;
      if (first.includes(t.linkTier[l] ?? -1) && (t.nodeLevel[t.linkTo[l] ?? 0] ?? 0) > 0)
        total += t.linkCapacity[l] ?? 0;
    }
    if (total === 0) return false;
    const before = out.count;
    for (let k = start; k < end; k++) {
      const u = t.outLinks[k] ?? 0;
      if (!first.includes(t.linkTier[u] ?? -1)) continue;
      const s1 = t.linkTo[u] ?? 0;
      if ((t.nodeLevel[s1] ?? 0) === 0) continue;
      const w = (t.linkCapacity[u] ?? 0) / total;
      const down = this.link(s1, dst);
      if (down >= 0) {
        out.push(owner, w, u, down);
        continue;
      }
      const plane = t.linkPlane[u] ?? -1;
      const t1 = this.accessSwitch(dst, network, plane);
      if (t1 < 0) continue;
      const lastHop = this.link(t1, dst);
      const u0 = this.upOffset[s1] ?? 0;
      const nUp = (this.upOffset[s1 + 1] ?? 0) - u0;
      if (nUp === 0) continue;
      const h = mix(src, dst, plane);
      for (let j = 0; j < nUp; j++) {
        const u2 = this.upLinks[u0 + ((h + j) % nUp)] ?? 0;
        const s2 = t.linkTo[u2] ?? 0;
        const across = this.link(s2, t1);
        if (across >= 0) {
          out.push(owner, w, u, u2, across, lastHop);
          break;
        }
      }
    }
    return out.count > before;
  }

  /** The switch through which `dst` is reached on `network` in `plane` (any plane if -1). */
  private accessSwitch(dst: number, network: RouteNetwork, plane: number): number {
    const t = this.topo;
    const tiers = network === "scale-up" ? [T_SU_ACCESS, T_CPU] : [T_SO_ACCESS];
    for (let k = t.outOffset[dst] ?? 0; k < (t.outOffset[dst + 1] ?? 0); k++) {
      const l = t.outLinks[k] ?? 0;
      const to = t.linkTo[l] ?? 0;
      if ((t.nodeLevel[to] ?? 0) === 0 || !tiers.includes(t.linkTier[l] ?? -1)) continue;
      if (plane < 0 || (t.linkPlane[l] ?? -1) === plane) return to;
    }
    return -1;
  }
}
