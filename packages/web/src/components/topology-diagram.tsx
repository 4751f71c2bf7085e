/**
 * Draws a `TopologyLayout` (computed in core) as SVG. Without loads, switches and bundles take
 * their plane's colour; with loads (utilisation 0..1 per directed link), every glyph and bundle
 * is coloured by the highest utilisation among its links (a heat map). Hovering a shape shows its
 * name and load.
 */
import type { LayoutBundle, LayoutGlyph, TopologyLayout } from "@supernode/core";
import { memo, useMemo } from "react";

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

function maxLoad(links: readonly number[], loads: readonly number[]): number {
  let max = 0;
  for (const l of links) max = Math.max(max, loads[l] ?? 0);
  return max;
}

function glyphFill(g: LayoutGlyph, loads: readonly number[] | undefined): string {
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

function bundleStroke(b: LayoutBundle, loads: readonly number[] | undefined): string {
  if (loads !== undefined) return heatColour(maxLoad(b.links, loads));
  return b.plane >= 0 && b.tier === "scale-up-core"
    ? (PLANE_COLOURS[b.plane % PLANE_COLOURS.length] ?? "#888")
    : "#8aa0b6";
}

export const TopologyDiagram = memo(function TopologyDiagram({
  layout,
  loads,
}: {
  layout: TopologyLayout;
  /** Utilisation per directed link id, 0..1 (absent: colour by plane). */
  loads?: readonly number[];
}) {
  const bundles = useMemo(
    () =>
      // Draw the hottest bundles last so they stay visible.
      loads === undefined
        ? layout.bundles
        : [...layout.bundles].sort((a, b) => maxLoad(a.links, loads) - maxLoad(b.links, loads)),
    [layout, loads],
  );
  return (
    <figure className="topology-figure">
      <svg
        className="topology-svg"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        style={{ maxWidth: Math.max(layout.width * 2, 480) }}
        role="img"
        aria-label={`${layout.title}: ${layout.boxes.filter((b) => b.kind === "server").length} ${layout.serverNoun}s, ${layout.glyphs.filter((g) => g.kind === "switch").length} switch chips${loads === undefined ? "" : ", coloured by link load"}`}
      >
        {layout.boxes.map((b) => (
          <g key={`${b.kind}:${b.label}`}>
            <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={3} className={`box box-${b.kind}`} />
            <text x={b.x + 4} y={b.y + 9} className={`box-label box-label-${b.kind}`}>
              {b.label}
            </text>
          </g>
        ))}
        <g className="bundles">
          {bundles.map((b) => {
            const load = loads === undefined ? undefined : maxLoad(b.links, loads);
            const text = `${b.label}: ${(b.capacityBytesPerS / 1e9).toFixed(0)} GB/s per direction${load === undefined ? "" : `, peak link load ${(load * 100).toFixed(0)}%`}`;
            return (
              <line
                key={b.label}
                x1={b.x1}
                y1={b.y1}
                x2={b.x2}
                y2={b.y2}
                stroke={bundleStroke(b, loads)}
                strokeWidth={load === undefined ? 0.6 : 0.6 + 1.6 * load}
                strokeOpacity={load === undefined ? 0.35 : 0.35 + 0.6 * load}
              >
                <title>{text}</title>
              </line>
            );
          })}
        </g>
        <g className="glyphs">
          {layout.glyphs.map((g) => (
            <rect
              key={g.node}
              x={g.x}
              y={g.y}
              width={g.size}
              height={g.size}
              rx={g.kind === "switch" ? 1 : 2}
              fill={glyphFill(g, loads)}
            >
              <title>
                {loads === undefined
                  ? g.label
                  : `${g.label}: peak link load ${(maxLoad(g.links, loads) * 100).toFixed(0)}%`}
              </title>
            </rect>
          ))}
        </g>
      </svg>
      <figcaption className="status-line">
        Hover a switch, a die/GPU or a bundle of links for its name and load.
      </figcaption>
    </figure>
  );
});
