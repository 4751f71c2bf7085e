/**
 * Placement of a topology layout's shapes (`topology-layout.ts`): the size of a server box and the
 * rack columns, the servers with their glyphs, and the band of shared switches above them; each
 * drawn node gets the anchor where its bundles end.
 */
import type { System } from "../hardware/index.ts";
import type { LayoutBox, LayoutGlyph, LayoutGlyphKind } from "./topology-layout.ts";
import type { ServerMembers } from "./topology-servers.ts";

export const G = 8; // glyph size
export const STEP = 10; // glyph pitch
export const PAD = 6;
export const LABEL = 13;

/** Where a node's bundles end, and what that end is called when it is more than the node. */
export interface Anchor {
  readonly x: number;
  readonly y: number;
  /** The drawn shape the bundle ends at, when several nodes share it ("tray 3's 4 ranks"). */
  readonly shape?: string;
}

/** What the placement steps fill in. */
export interface Drawing {
  readonly boxes: LayoutBox[];
  readonly glyphs: LayoutGlyph[];
  /** The anchor of each drawn node, for the bundles. */
  readonly anchors: Map<number, Anchor>;
}

export type PlaceGlyph = (v: number, kind: LayoutGlyphKind, x: number, y: number) => void;

/** The size of a server box and how servers fall into rack columns. */
export interface ServerGeometry {
  readonly serverNoun: string;
  readonly perPackage: number;
  readonly serverW: number;
  readonly serverH: number;
  readonly servers: number;
  readonly racks: number;
  readonly perRack: number;
  readonly rackCols: number;
  readonly rackRows: number;
  readonly colW: number;
}

/** Server box geometry: switches on top, ranks in rows (one column per package), CPUs below. */
export function serverGeometry(system: System, first: ServerMembers | undefined): ServerGeometry {
  const servers = system.nodes.value;
  const multi = servers > 1;
  const serverNoun = system.scaleUp.kind === "two-tier-clos" ? "node" : multi ? "tray" : "server";
  const chip = system.node.accelerator.chip;
  const perPackage = chip.diesAreDevices ? chip.dies.value : 1;
  const packages = system.node.accelerator.count.value;
  const cols = Math.max(packages, first?.switches.length ?? 0, first?.cpus.length ?? 0, 2);
  const rows = (first?.switches.length ? 1 : 0) + perPackage + (first?.cpus.length ? 1 : 0);
  const serverW = cols * STEP + 2 * PAD - (STEP - G);
  const racks = Math.max(1, system.racks?.compute.value ?? 1);
  const rackCols = racks > 1 ? racks : Math.min(servers, 24);
  const serverGapX = racks > 1 ? 2 * PAD : PAD;
  const perRack = racks > 1 ? Math.ceil(servers / racks) : servers;
  return {
    serverNoun,
    perPackage,
    serverW,
    serverH: LABEL + rows * STEP + PAD,
    servers,
    racks,
    perRack,
    rackCols,
    rackRows: racks > 1 ? perRack : Math.ceil(servers / rackCols),
    colW: serverW + serverGapX + (racks > 1 ? 2 * PAD : 0),
  };
}

/** Racks and servers: each server's switches, ranks and CPUs as glyphs in its box. */
export function placeServers(
  members: readonly ServerMembers[],
  geometry: ServerGeometry,
  topY: number,
  drawing: Drawing,
  glyph: PlaceGlyph,
): void {
  const { serverNoun, perPackage, serverW, serverH, servers, racks, perRack, rackCols, colW } = geometry;
  for (let s = 0; s < servers; s++) {
    const col = racks > 1 ? Math.floor(s / perRack) : s % rackCols;
    const row = racks > 1 ? s % perRack : Math.floor(s / rackCols);
    const x = PAD + col * colW + (racks > 1 ? 2 * PAD : 0);
    const y = topY + (racks > 1 ? LABEL + PAD : 0) + row * (serverH + PAD);
    drawing.boxes.push({
      kind: "server",
      label: `${serverNoun} ${s}`,
      x,
      y,
      width: serverW,
      height: serverH,
    });
    const m = members[s];
    if (m === undefined) continue;
    let gy = y + LABEL;
    m.switches.forEach((v, i) => {
      glyph(v, "switch", x + PAD + i * STEP, gy);
      drawing.anchors.set(v, { x: x + PAD + i * STEP + G / 2, y });
    });
    if (m.switches.length > 0) gy += STEP;
    m.ranks.forEach((v, i) => {
      glyph(v, "rank", x + PAD + Math.floor(i / perPackage) * STEP, gy + (i % perPackage) * STEP);
    });
    gy += perPackage * STEP;
    m.cpus.forEach((v, i) => {
      glyph(v, "cpu", x + PAD + i * STEP, gy);
    });
    // A server's ranks and CPUs share one anchor: their bundles end at the server box, and are
    // named by it ("tray 3's 4 GPUs"; ranks are named as buildTopology names them).
    const at = (shape: string) => ({ x: x + serverW / 2, y, shape: `${serverNoun} ${s}'s ${shape}` });
    const ranks = at(countOf(m.ranks.length, perPackage > 1 ? "die" : "GPU"));
    const cpus = at(countOf(m.cpus.length, "CPU"));
    for (const v of m.ranks) drawing.anchors.set(v, ranks);
    for (const v of m.cpus) drawing.anchors.set(v, cpus);
  }
  if (racks > 1)
    for (let r = 0; r < racks; r++)
      drawing.boxes.unshift({
        kind: "rack",
        label: `rack ${r + 1}`,
        x: PAD + r * colW + PAD,
        y: topY,
        width: serverW + 2 * PAD,
        height: LABEL + PAD + perRack * (serverH + PAD),
      });
}

const countOf = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/**
 * The band of shared switches: plane groups (two rows each), switch trays (one row each, spread
 * over the width) or one row of switch chips spread out.
 */
export function placeBand(
  bandPerGroup: readonly BandGroup[],
  size: { readonly width: number; readonly bandW: number; readonly bandH: number },
  drawing: Drawing,
  glyph: PlaceGlyph,
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
    drawing.boxes.push({
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
      drawing.anchors.set(
        v,
        group.anchorIsGroup
          ? {
              x: bx + w / 2,
              y: PAD + bandH,
              shape: `${group.label}'s ${countOf(group.switches.length, "switch", "switches")}`,
            }
          : { x: x + G / 2, y: y + G },
      );
    });
    bx += w + PAD;
  });
}

export interface BandGroup {
  readonly label: string;
  readonly switches: number[];
  /** Bundles end at the group box (many switches per plane) rather than at each switch. */
  readonly anchorIsGroup: boolean;
  /** A switch tray (a board of switch chips, drawn in one row). */
  readonly tray?: boolean;
}

export function groupBand(
  band: readonly number[],
  planeOf: (v: number) => number,
  system: System,
): BandGroup[] {
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

export function groupWidth(count: number): number {
  return Math.ceil(count / 2) * STEP - (STEP - G);
}
