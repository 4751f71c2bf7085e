/**
 * Colours of the Topology drawing: plane colours without a load, and the heat scale of link
 * utilisation (idle grey → dark red) with one.
 */
import type { LayoutBundle, LayoutGlyph } from "@supernode/core";

const PLANE_COLOURS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
];
const HEAT = ["#d9e2ec", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"];

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Colour of a utilisation in 0..1, interpolated along the heat scale (idle grey → dark red).
 * @example heatColour(0) // "rgb(217,226,236)"
 */
function heatColour(load: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(load) ? load : 0)) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(x));
  const a = rgb(HEAT[i] ?? "#000000");
  const b = rgb(HEAT[i + 1] ?? "#000000");
  const t = x - i;
  return `rgb(${a.map((v, k) => Math.round(v + ((b[k] ?? 0) - v) * t)).join(",")})`;
}

export function maxLoad(links: readonly number[], loads: readonly number[]): number {
  let max = 0;
  for (const l of links) max = Math.max(max, loads[l] ?? 0);
  return max;
}

export function glyphFill(g: LayoutGlyph, loads: readonly number[] | undefined): string {
  if (loads !== undefined) return heatColour(maxLoad(g.links, loads));
  switch (g.kind) {
    case "rank":
      return "#4a6b8a";
    case "cpu":
      return "#9aa7b5";
    case "switch":
      return g.plane >= 0 ? (PLANE_COLOURS[g.plane % PLANE_COLOURS.length] ?? "#555") : "#555";
    default:
      return g.kind satisfies never;
  }
}

export function bundleStroke(b: LayoutBundle, loads: readonly number[] | undefined): string {
  if (loads !== undefined) return heatColour(maxLoad(b.links, loads));
  return b.plane >= 0 && b.tier === "scale-up-core"
    ? (PLANE_COLOURS[b.plane % PLANE_COLOURS.length] ?? "#888")
    : "#8aa0b6";
}
