/**
 * A chart's legend as an HTML list under it: one entry per named series (duplicates merged), in
 * the series' own colour — the one set on it, else the palette's by series index as ECharts
 * assigns it — with a dashed swatch for dashed lines.
 */
import type { ChartOption } from "./chart.tsx";

export interface LegendItem {
  readonly name: string;
  readonly color: string;
  readonly dashed: boolean;
}

interface SeriesLike {
  readonly name?: string;
  readonly color?: string;
  readonly itemStyle?: {
    readonly color?: unknown;
    readonly borderColor?: unknown;
    readonly borderType?: unknown;
  };
  readonly lineStyle?: { readonly color?: unknown; readonly type?: unknown };
}

/** The legend entries of `option`'s series. */
export function legendItems(option: ChartOption, palette: readonly string[]): LegendItem[] {
  const series = (Array.isArray(option.series) ? option.series : []) as SeriesLike[];
  const items: LegendItem[] = [];
  series.forEach((s, i) => {
    if (s.name === undefined || s.name === "" || items.some((x) => x.name === s.name)) return;
    // An outline-only series (transparent fill) shows its border colour and style.
    const outline = s.itemStyle?.color === "transparent" && typeof s.itemStyle.borderColor === "string";
    const set = outline
      ? (s.itemStyle?.borderColor as string)
      : [s.itemStyle?.color, s.lineStyle?.color, s.color, s.itemStyle?.borderColor].find(
          (c): c is string => typeof c === "string",
        );
    const type = outline ? s.itemStyle?.borderType : s.lineStyle?.type;
    items.push({
      name: s.name,
      color: set ?? palette[i % palette.length] ?? "#888",
      dashed: type === "dashed" || type === "dotted",
    });
  });
  return items;
}

export function ChartLegend({ items }: { items: readonly LegendItem[] }) {
  return (
    <ul className="legend chart-legend">
      {items.map((it) => (
        <li key={it.name}>
          <span
            className="swatch"
            style={
              it.dashed
                ? { border: `2px dashed ${it.color}`, background: "transparent" }
                : { background: it.color }
            }
            aria-hidden="true"
          />
          {it.name}
        </li>
      ))}
    </ul>
  );
}
