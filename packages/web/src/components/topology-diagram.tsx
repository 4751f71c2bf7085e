/**
 * Draws a `TopologyLayout` (computed in core) as SVG. Without loads, switches and bundles take
 * their plane's colour; with loads (utilisation 0..1 per directed link), every glyph and bundle
 * is coloured by the highest utilisation among its links (a heat map). Bundles are grouped by
 * tier (each tier can be hidden). The drawing zooms and pans (wheel, drag, pinch, buttons, keys);
 * a click or the arrow keys select a switch, die/GPU, CPU or bundle, whose details show beside it.
 */
import type { LayoutBundle, TopologyLayout } from "@supernode/core";
import { type KeyboardEvent, memo, useEffect, useMemo, useRef, useState } from "react";
import { bundleStroke, glyphFill, maxLoad } from "./topology-colours.ts";
import { TopologyDetails } from "./topology-details.tsx";
import { bundleTiers, type TopologyItem, tierName, topologyItems } from "./topology-items.ts";
import { useSvgZoom } from "./use-svg-zoom.ts";

function itemCentre(item: TopologyItem): { x: number; y: number } {
  if (item.type === "glyph")
    return { x: item.glyph.x + item.glyph.size / 2, y: item.glyph.y + item.glyph.size / 2 };
  const b = item.bundle;
  return { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 };
}

/** One tier's bundles, the hottest drawn last; each with a wide invisible line to point at. */
function TierBundles({
  tier,
  bundles,
  loads,
}: {
  tier: string;
  bundles: readonly { b: LayoutBundle; index: number }[];
  loads: readonly number[] | undefined;
}) {
  const sorted =
    loads === undefined
      ? bundles
      : [...bundles].sort((p, q) => maxLoad(p.b.links, loads) - maxLoad(q.b.links, loads));
  return (
    <g className="bundles" data-tier={tier} aria-label={`${tierName(tier)}: ${bundles.length} bundles`}>
      {sorted.map(({ b, index }) => {
        const load = loads === undefined ? undefined : maxLoad(b.links, loads);
        return (
          <g key={index} data-item={`b${index}`}>
            <line
              x1={b.x1}
              y1={b.y1}
              x2={b.x2}
              y2={b.y2}
              stroke={bundleStroke(b, loads)}
              strokeWidth={load === undefined ? 0.6 : 0.6 + 1.6 * load}
              strokeOpacity={load === undefined ? 0.35 : 0.35 + 0.6 * load}
            />
            <line className="hit" x1={b.x1} y1={b.y1} x2={b.x2} y2={b.y2} vectorEffect="non-scaling-stroke" />
          </g>
        );
      })}
    </g>
  );
}

function Highlight({ item }: { item: TopologyItem }) {
  if (item.type === "glyph") {
    const g = item.glyph;
    return (
      <rect className="selected" x={g.x - 1.5} y={g.y - 1.5} width={g.size + 3} height={g.size + 3} rx={2} />
    );
  }
  const b = item.bundle;
  return (
    <line className="selected" x1={b.x1} y1={b.y1} x2={b.x2} y2={b.y2} vectorEffect="non-scaling-stroke" />
  );
}

const KEY_HELP =
  "Arrow keys select the next or previous switch, device or bundle; Shift+arrows pan; + and − zoom; 0 resets; Escape clears the selection.";

export const TopologyDiagram = memo(function TopologyDiagram({
  layout,
  loads,
}: {
  layout: TopologyLayout;
  /** Utilisation per directed link id, 0..1 (absent: colour by plane). */
  loads?: readonly number[];
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const zoom = useSvgZoom(svgRef, { x: 0, y: 0, w: layout.width, h: layout.height });
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [selectedKey, setSelectedKey] = useState<string | undefined>(undefined);
  const [hoverKey, setHoverKey] = useState<string | undefined>(undefined);
  const tiers = useMemo(() => bundleTiers(layout), [layout]);
  const items = useMemo(() => topologyItems(layout, hidden), [layout, hidden]);
  const byKey = useMemo(() => new Map(items.map((i) => [i.key, i])), [items]);
  const grouped = useMemo(() => {
    const map = new Map<string, { b: LayoutBundle; index: number }[]>();
    layout.bundles.forEach((b, index) => {
      map.set(b.tier, [...(map.get(b.tier) ?? []), { b, index }]);
    });
    return map;
  }, [layout]);
  // A new drawing (another system) drops the selection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new layout only
  useEffect(() => {
    setSelectedKey(undefined);
    setHidden(new Set());
  }, [layout]);
  const selected = selectedKey === undefined ? undefined : byKey.get(selectedKey);
  const hovered = hoverKey === undefined ? undefined : byKey.get(hoverKey);

  const select = (item: TopologyItem | undefined, reveal: boolean) => {
    setSelectedKey(item?.key);
    if (item !== undefined && reveal) {
      const c = itemCentre(item);
      zoom.reveal(c.x, c.y);
    }
  };
  const keyOf = (target: EventTarget | null) =>
    target instanceof Element
      ? (target.closest("[data-item]")?.getAttribute("data-item") ?? undefined)
      : undefined;
  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const pan: Record<string, [number, number]> = {
      ArrowLeft: [-0.2, 0],
      ArrowRight: [0.2, 0],
      ArrowUp: [0, -0.2],
      ArrowDown: [0, 0.2],
    };
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
      PageDown: 10,
      PageUp: -10,
    };
    const at = selected === undefined ? -1 : items.indexOf(selected);
    let handled = true;
    if (e.shiftKey && pan[e.key] !== undefined) zoom.panBy(...(pan[e.key] ?? [0, 0]));
    else if (step[e.key] !== undefined && items.length > 0) {
      const next = at < 0 ? ((step[e.key] ?? 1) > 0 ? 0 : items.length - 1) : at + (step[e.key] ?? 0);
      select(items[Math.min(items.length - 1, Math.max(0, next))], true);
    } else if (e.key === "Home") select(items[0], true);
    else if (e.key === "End") select(items[items.length - 1], true);
    else if (e.key === "Escape") select(undefined, false);
    else if (e.key === "+" || e.key === "=") zoom.zoomBy(1.5);
    else if (e.key === "-" || e.key === "_") zoom.zoomBy(1 / 1.5);
    else if (e.key === "0") zoom.reset();
    else handled = false;
    if (handled) e.preventDefault();
  };
  const vb = zoom.viewBox;
  const servers = layout.boxes.filter((b) => b.kind === "server").length;
  const switches = layout.glyphs.filter((g) => g.kind === "switch").length;
  return (
    <div className="topology-explorer">
      <div className="topology-toolbar" role="toolbar" aria-label="Diagram controls">
        <button type="button" className="secondary" onClick={() => zoom.zoomBy(1.5)} aria-label="Zoom in">
          +
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => zoom.zoomBy(1 / 1.5)}
          aria-label="Zoom out"
        >
          −
        </button>
        <button type="button" className="secondary" onClick={zoom.reset} disabled={zoom.zoom <= 1.0001}>
          Reset view
        </button>
        <span className="hint zoom-level" data-zoom={zoom.zoom.toFixed(2)}>
          {(zoom.zoom * 100).toFixed(0)} %
        </span>
        {tiers.length > 0 && (
          <fieldset className="tier-filter">
            <legend>Links by tier</legend>
            {tiers.map((t) => (
              <label key={t.tier} data-tier={t.tier}>
                <input
                  type="checkbox"
                  checked={!hidden.has(t.tier)}
                  onChange={(e) => {
                    const next = new Set(hidden);
                    if (e.target.checked) next.delete(t.tier);
                    else next.add(t.tier);
                    setHidden(next);
                    if (selected?.type === "bundle" && next.has(selected.bundle.tier))
                      setSelectedKey(undefined);
                  }}
                />{" "}
                {tierName(t.tier)} ({t.bundles})
              </label>
            ))}
          </fieldset>
        )}
      </div>
      <div className="topology-body">
        <figure className="topology-figure">
          <svg
            ref={svgRef}
            className="topology-svg"
            viewBox={`${vb.x} ${vb.y} ${vb.w} ${vb.h}`}
            style={{ maxWidth: Math.max(layout.width * 2, 480) }}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: an application role operated with the keys in KEY_HELP
            tabIndex={0}
            role="application"
            aria-roledescription="network diagram"
            aria-label={`${layout.title}: ${servers} ${layout.serverNoun}s, ${switches} switch chips${loads === undefined ? "" : ", coloured by link load"}. ${KEY_HELP}`}
            onKeyDown={onKeyDown}
            onClick={(e) => {
              if (zoom.wasDrag()) return;
              const key = keyOf(e.target);
              select(key === undefined ? undefined : byKey.get(key), false);
            }}
            onPointerOver={(e) => setHoverKey(keyOf(e.target))}
            onPointerLeave={() => setHoverKey(undefined)}
          >
            {layout.boxes.map((b) => (
              <g key={`${b.kind}:${b.label}`}>
                <rect
                  x={b.x}
                  y={b.y}
                  width={b.width}
                  height={b.height}
                  rx={3}
                  className={`box box-${b.kind}`}
                />
                <text x={b.x + 4} y={b.y + 9} className={`box-label box-label-${b.kind}`}>
                  {b.label}
                </text>
              </g>
            ))}
            {[...grouped.entries()]
              .filter(([tier]) => !hidden.has(tier))
              .map(([tier, bundles]) => (
                <TierBundles key={tier} tier={tier} bundles={bundles} loads={loads} />
              ))}
            <g className="glyphs">
              {layout.glyphs.map((g) => (
                <rect
                  key={g.node}
                  data-item={`g${g.node}`}
                  x={g.x}
                  y={g.y}
                  width={g.size}
                  height={g.size}
                  rx={g.kind === "switch" ? 1 : 2}
                  fill={glyphFill(g, loads)}
                />
              ))}
            </g>
            {selected !== undefined && <Highlight item={selected} />}
          </svg>
          <figcaption className="status-line" data-hover={hovered?.key}>
            {hovered !== undefined
              ? hovered.type === "glyph"
                ? hovered.glyph.label
                : hovered.bundle.label
              : "Click a switch, a die/GPU or a bundle of links (or focus the diagram and use the arrow keys) for its details; wheel or pinch to zoom, drag to pan."}
          </figcaption>
        </figure>
        <TopologyDetails
          item={selected}
          layout={layout}
          loads={loads}
          onSelect={(key) => select(byKey.get(key), true)}
        />
      </div>
    </div>
  );
});
