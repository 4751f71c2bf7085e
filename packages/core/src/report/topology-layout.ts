/**
 * A 2-D layout of a system's scale-up fabric, computed from its topology graph (`buildTopology`),
 * for drawing as SVG (the web app's Topology view, HTML reports). Plain data in SVG user units.
 *
 * - Servers (CloudMatrix384 nodes, NVL72 compute trays, HGX boards) are boxes, grouped in columns
 *   by compute rack when the system has more than one; ranks (dies or GPUs), CPUs and the switch
 *   chips that serve only that server (UB L1 switches, HGX NVSwitches) are glyphs inside them.
 * - Switches shared by several servers sit in a band above: L2 switches grouped by plane, or the
 *   NVLink switch chips of a rack — in their switch trays when the system counts them (NVL72: 9
 *   trays of 2 chips, `scaleUp.switchTrays`).
 * - Links between a server and the band are drawn as bundles (all links joining the same two
 *   drawn shapes, both directions); links inside a server are shown through their glyphs' load.
 * The scale-out (RDMA/InfiniBand) and VPC networks are not drawn.
 *
 * @example
 * const layout = topologyLayout(buildTopology(system), system);
 * layout.bundles.length // 336 on CloudMatrix384: 48 nodes × 7 L1 switches, each to its plane
 */
import type { System } from "../hardware/index.ts";
import type { LinkTier, Topology } from "../topology/index.ts";
import {
  type Anchor,
  type Drawing,
  G,
  groupBand,
  groupWidth,
  LABEL,
  PAD,
  placeBand,
  placeServers,
  STEP,
  serverGeometry,
} from "./topology-placement.ts";
import { type DrawnGraph, drawnGraph } from "./topology-servers.ts";

export type LayoutBoxKind = "rack" | "server" | "switch-group" | "switch-tray";
export type LayoutGlyphKind = "rank" | "cpu" | "switch";

export interface LayoutBox {
  readonly kind: LayoutBoxKind;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutGlyph {
  /** Node index in the topology graph. */
  readonly node: number;
  readonly kind: LayoutGlyphKind;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  /** Scale-up plane of a switch (-1 when none). */
  readonly plane: number;
  /** Directed link ids touching this node in the drawn tiers (for its load). */
  readonly links: readonly number[];
}

export interface LayoutBundle {
  readonly label: string;
  /** Directed link ids in the bundle (both directions). */
  readonly links: readonly number[];
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly tier: LinkTier;
  readonly plane: number;
  /** Sum of the line rates of one direction, bytes/s. */
  readonly capacityBytesPerS: number;
}

export interface TopologyLayout {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LayoutBox[];
  readonly glyphs: readonly LayoutGlyph[];
  readonly bundles: readonly LayoutBundle[];
  readonly planes: number;
  /** What each server is called on this system: "node", "tray" or "server". */
  readonly serverNoun: string;
}

/** Computes the layout of `topology` (one system, as built by `buildTopology(system)`). */
export function topologyLayout(topology: Topology, system: System): TopologyLayout {
  const drawn = drawnGraph(topology, system);
  const geometry = serverGeometry(system, drawn.members[0]);
  const bandPerGroup = groupBand(drawn.band, drawn.planeOf, system);
  const bandW = bandPerGroup.reduce((w, g) => w + groupWidth(g.switches.length) + 3 * PAD, 0);
  const width = Math.max(geometry.rackCols * geometry.colW + 2 * PAD, bandW + 2 * PAD, 160);
  const bandH = bandPerGroup.length > 0 ? LABEL + 2 * STEP + 2 * PAD : 0;
  const topY = PAD + bandH + (bandPerGroup.length > 0 ? 110 : 0);

  const drawing: Drawing = { boxes: [], glyphs: [], anchors: new Map() };
  const glyph = (v: number, kind: LayoutGlyphKind, x: number, y: number) => {
    drawing.glyphs.push({
      node: v,
      kind,
      label: topology.nodeName[v] ?? `${v}`,
      x,
      y,
      size: G,
      plane: drawn.planeOf(v),
      links: drawn.nodeLinks[v] ?? [],
    });
  };
  placeBand(bandPerGroup, { width, bandW, bandH }, drawing, glyph);
  placeServers(drawn.members, geometry, topY, drawing, glyph);

  const { racks, serverH, rackRows } = geometry;
  return {
    title: system.name,
    width,
    height: topY + (racks > 1 ? LABEL + PAD : 0) + rackRows * (serverH + PAD) + 2 * PAD,
    boxes: drawing.boxes,
    glyphs: drawing.glyphs,
    bundles: bundleLinks(topology, drawn, drawing.anchors),
    planes: topology.scaleUpPlanes,
    serverNoun: geometry.serverNoun,
  };
}

function bundleLinks(
  topology: Topology,
  drawn: DrawnGraph,
  anchors: ReadonlyMap<number, Anchor>,
): LayoutBundle[] {
  const { nodeLinks, server, tierOf } = drawn;
  const byKey = new Map<
    string,
    { links: number[]; a: number; b: number; tier: LinkTier; plane: number; cap: number }
  >();
  const anchorKey = (v: number) => {
    const c = anchors.get(v);
    return c === undefined ? undefined : `${c.x},${c.y}`;
  };
  const seen = new Set<number>();
  for (const links of nodeLinks)
    for (const l of links) {
      if (seen.has(l)) continue;
      seen.add(l);
      const a = topology.linkFrom[l] ?? 0;
      const b = topology.linkTo[l] ?? 0;
      const sa = server[a] ?? -1;
      const sb = server[b] ?? -1;
      if (sa >= 0 && sa === sb) continue; // inside one server: shown through glyph loads
      const ka = anchorKey(a);
      const kb = anchorKey(b);
      if (ka === undefined || kb === undefined) continue;
      const key = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
      const entry = byKey.get(key) ?? {
        links: [],
        a,
        b,
        tier: tierOf(l),
        plane: topology.linkPlane[l] ?? -1,
        cap: 0,
      };
      entry.links.push(l);
      // One direction: the links leaving the anchor of the bundle's first node (a server's
      // ranks share one anchor, so a tray's bundle to a switch counts all 4 GPUs' links).
      if (ka === anchorKey(entry.a)) entry.cap += topology.linkCapacity[l] ?? 0;
      byKey.set(key, entry);
    }
  const bundles: LayoutBundle[] = [];
  for (const e of byKey.values()) {
    const p = anchors.get(e.a);
    const q = anchors.get(e.b);
    if (p === undefined || q === undefined) continue;
    // Each end by what is drawn there: the node, or the shape its anchor stands for.
    const end = (v: number, c: Anchor) => c.shape ?? topology.nodeName[v] ?? `${v}`;
    bundles.push({
      label: `${end(e.a, p)} ↔ ${end(e.b, q)}${e.links.length > 2 ? ` (${e.links.length / 2} links)` : ""}`,
      links: e.links,
      x1: p.x,
      y1: p.y,
      x2: q.x,
      y2: q.y,
      tier: e.tier,
      plane: e.plane,
      capacityBytesPerS: e.cap,
    });
  }
  return bundles;
}

/**
 * The load of each bundle or glyph: the highest utilisation among its links, given one value per
 * directed link (e.g. bytes carried / (capacity × time) from a flow-level run).
 *
 * @example maxLinkLoad(layout.bundles[0].links, utilisation) // 0.83
 */
export function maxLinkLoad(links: readonly number[], perLink: ArrayLike<number>): number {
  let max = 0;
  for (const l of links) max = Math.max(max, perLink[l] ?? 0);
  return max;
}
