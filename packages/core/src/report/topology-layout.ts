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
import type { System } from "../hardware/types.ts";
import type { LinkTier, Topology } from "../topology/graph.ts";
import { drawnGraph } from "./topology-servers.ts";

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

const G = 8; // glyph size
const STEP = 10; // glyph pitch
const PAD = 6;
const LABEL = 13;

/** Computes the layout of `topology` (one system, as built by `buildTopology(system)`). */
export function topologyLayout(topology: Topology, system: System): TopologyLayout {
  const { tierOf, nodeLinks, server, planeOf, members, band } = drawnGraph(topology, system);
  const servers = system.nodes.value;
  const multi = servers > 1;
  const serverNoun = system.scaleUp.kind === "two-tier-clos" ? "node" : multi ? "tray" : "server";
  // Server box geometry: switches on top, ranks in rows (one column per package), CPUs below.
  const perPackage = system.node.accelerator.chip.diesAreDevices
    ? system.node.accelerator.chip.dies.value
    : 1;
  const packages = system.node.accelerator.count.value;
  const cols = Math.max(packages, members[0]?.switches.length ?? 0, members[0]?.cpus.length ?? 0, 2);
  const rows = (members[0]?.switches.length ? 1 : 0) + perPackage + (members[0]?.cpus.length ? 1 : 0);
  const serverW = cols * STEP + 2 * PAD - (STEP - G);
  const serverH = LABEL + rows * STEP + PAD;
  const racks = Math.max(1, system.racks?.compute.value ?? 1);
  const perRack = racks > 1 ? Math.ceil(servers / racks) : servers;
  const rackCols = racks > 1 ? racks : Math.min(servers, 24);
  const serverGapX = racks > 1 ? 2 * PAD : PAD;
  const colW = serverW + serverGapX + (racks > 1 ? 2 * PAD : 0);
  const bandPerGroup = groupBand(band, planeOf, system);
  const bandW = bandPerGroup.reduce((w, g) => w + groupWidth(g.switches.length) + 3 * PAD, 0);
  const width = Math.max(rackCols * colW + 2 * PAD, bandW + 2 * PAD, 160);
  const bandH = bandPerGroup.length > 0 ? LABEL + 2 * STEP + 2 * PAD : 0;
  const gapY = bandPerGroup.length > 0 ? 110 : 0;
  const topY = PAD + bandH + gapY;

  const boxes: LayoutBox[] = [];
  const glyphs: LayoutGlyph[] = [];
  const centre = new Map<number, { x: number; y: number }>(); // anchor of each node for bundles
  const glyph = (v: number, kind: LayoutGlyphKind, x: number, y: number) => {
    glyphs.push({
      node: v,
      kind,
      label: topology.nodeName[v] ?? `${v}`,
      x,
      y,
      size: G,
      plane: planeOf(v),
      links: nodeLinks[v] ?? [],
    });
  };

  placeBand(bandPerGroup, { width, bandW, bandH }, boxes, glyph, centre);

  // Racks and servers.
  const rackRows = racks > 1 ? perRack : Math.ceil(servers / rackCols);
  for (let s = 0; s < servers; s++) {
    const col = racks > 1 ? Math.floor(s / perRack) : s % rackCols;
    const row = racks > 1 ? s % perRack : Math.floor(s / rackCols);
    const x = PAD + col * colW + (racks > 1 ? 2 * PAD : 0);
    const y = topY + (racks > 1 ? LABEL + PAD : 0) + row * (serverH + PAD);
    boxes.push({ kind: "server", label: `${serverNoun} ${s}`, x, y, width: serverW, height: serverH });
    const m = members[s];
    if (m === undefined) continue;
    let gy = y + LABEL;
    m.switches.forEach((v, i) => {
      glyph(v, "switch", x + PAD + i * STEP, gy);
      centre.set(v, { x: x + PAD + i * STEP + G / 2, y });
    });
    if (m.switches.length > 0) gy += STEP;
    m.ranks.forEach((v, i) => {
      glyph(v, "rank", x + PAD + Math.floor(i / perPackage) * STEP, gy + (i % perPackage) * STEP);
    });
    gy += perPackage * STEP;
    m.cpus.forEach((v, i) => {
      glyph(v, "cpu", x + PAD + i * STEP, gy);
    });
    for (const v of [...m.ranks, ...m.cpus]) centre.set(v, { x: x + serverW / 2, y });
  }
  if (racks > 1)
    for (let r = 0; r < racks; r++)
      boxes.unshift({
        kind: "rack",
        label: `rack ${r + 1}`,
        x: PAD + r * colW + PAD,
        y: topY,
        width: serverW + 2 * PAD,
        height: LABEL + PAD + perRack * (serverH + PAD),
      });

  const bundles = bundleLinks(topology, nodeLinks, centre, server, tierOf);
  const height = topY + (racks > 1 ? LABEL + PAD : 0) + rackRows * (serverH + PAD) + 2 * PAD;
  return {
    title: system.name,
    width,
    height,
    boxes,
    glyphs,
    bundles,
    planes: topology.scaleUpPlanes,
    serverNoun,
  };
}

/**
 * The band of shared switches: plane groups (two rows each), switch trays (one row each, spread
 * over the width) or one row of switch chips spread out.
 */
function placeBand(
  bandPerGroup: readonly BandGroup[],
  size: { readonly width: number; readonly bandW: number; readonly bandH: number },
  boxes: LayoutBox[],
  glyph: (v: number, kind: LayoutGlyphKind, x: number, y: number) => void,
  centre: Map<number, { x: number; y: number }>,
): void {
  const { width, bandW, bandH } = size;
  const trays = bandPerGroup.length > 0 && bandPerGroup.every((g) => g.tray);
  const trayPitch = trays ? (width - 2 * PAD) / bandPerGroup.length : 0;
  let bx = (width - bandW) / 2 + PAD;
  bandPerGroup.forEach((group, k) => {
    const spread = !group.anchorIsGroup && !group.tray && bandPerGroup.length === 1;
    const pitch = spread
      ? Math.max(STEP, Math.min(4 * STEP, (width - 4 * PAD) / group.switches.length))
      : STEP;
    const chipsW = pitch * group.switches.length - (pitch - G);
    // A tray is wide enough for its label ("switch tray 8") where the band has room.
    const w = group.tray
      ? Math.max(chipsW + 2 * PAD, Math.min(trayPitch - PAD, 60))
      : spread
        ? chipsW + 2 * PAD
        : groupWidth(group.switches.length) + 2 * PAD;
    if (spread) bx = (width - w) / 2;
    if (trays) bx = PAD + k * trayPitch + (trayPitch - w) / 2;
    const inset = group.tray ? (w - chipsW) / 2 : PAD;
    boxes.push({
      kind: group.tray ? "switch-tray" : "switch-group",
      label: group.label,
      x: bx,
      y: PAD,
      width: w,
      height: bandH,
    });
    const perRow = spread || group.tray ? group.switches.length : Math.ceil(group.switches.length / 2);
    group.switches.forEach((v, i) => {
      const x = bx + inset + (i % perRow) * pitch;
      const y = PAD + LABEL + Math.floor(i / perRow) * STEP + (spread || group.tray ? STEP / 2 : 0);
      glyph(v, "switch", x, y);
      centre.set(v, group.anchorIsGroup ? { x: bx + w / 2, y: PAD + bandH } : { x: x + G / 2, y: y + G });
    });
    bx += w + PAD;
  });
}

interface BandGroup {
  readonly label: string;
  readonly switches: number[];
  /** Bundles end at the group box (many switches per plane) rather than at each switch. */
  readonly anchorIsGroup: boolean;
  /** A switch tray (a board of switch chips, drawn in one row). */
  readonly tray?: boolean;
}

function groupBand(band: readonly number[], planeOf: (v: number) => number, system: System): BandGroup[] {
  if (band.length === 0) return [];
  if (system.scaleUp.kind === "two-tier-clos") {
    const byPlane = new Map<number, number[]>();
    for (const v of band) byPlane.set(planeOf(v), [...(byPlane.get(planeOf(v)) ?? []), v]);
    return [...byPlane.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([plane, switches]) => ({ label: `L2 plane ${plane}`, switches, anchorIsGroup: true }));
  }
  const trays = system.scaleUp.switchTrays?.value;
  if (trays !== undefined && trays > 1 && band.length % trays === 0) {
    const perTray = band.length / trays;
    return Array.from({ length: trays }, (_, t) => ({
      label: `switch tray ${t}`,
      switches: band.slice(t * perTray, (t + 1) * perTray),
      anchorIsGroup: false,
      tray: true,
    }));
  }
  return [{ label: `${system.scaleUp.technology} switch chips`, switches: [...band], anchorIsGroup: false }];
}

function groupWidth(count: number): number {
  return Math.ceil(count / 2) * STEP - (STEP - G);
}

function bundleLinks(
  topology: Topology,
  nodeLinks: readonly (readonly number[])[],
  centre: ReadonlyMap<number, { x: number; y: number }>,
  server: Int32Array,
  tierOf: (l: number) => LinkTier,
): LayoutBundle[] {
  const byKey = new Map<
    string,
    { links: number[]; a: number; b: number; tier: LinkTier; plane: number; cap: number }
  >();
  const anchorKey = (v: number) => {
    const c = centre.get(v);
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
    const p = centre.get(e.a);
    const q = centre.get(e.b);
    if (p === undefined || q === undefined) continue;
    bundles.push({
      label: `${topology.nodeName[e.a]} ↔ ${topology.nodeName[e.b]}${e.links.length > 2 ? ` (${e.links.length / 2} links)` : ""}`,
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
