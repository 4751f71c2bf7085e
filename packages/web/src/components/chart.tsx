/**
 * An ECharts chart rendered as SVG (crisp, printable, no GPU needed). `option` is a plain ECharts
 * option object; the chart re-renders when it changes and resizes with its container. The
 * accessible name is the caller's `label` on a `role="img"` element (a table beside each chart
 * holds the numbers); ECharts' generated ARIA text is not used (it read "NaN" for empty data and
 * sits under role="img", where assistive technology ignores it), nor is DataZoom — both left out
 * of the bundle.
 */
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef } from "react";
import { ChartLegend, legendItems } from "./chart-legend.tsx";

// Only what every chart needs; each view's chart module registers the series types it draws
// (`echarts.use` from "echarts/core"), so a view's bundle carries only those.
echarts.use([GridComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export const PALETTE = [
  "#1f4e79",
  "#76b900",
  "#c0504d",
  "#8064a2",
  "#f79646",
  "#4bacc6",
  "#9bbb59",
  "#7f7f7f",
  "#d4a017",
  "#2f9e8f",
  "#e377c2",
  "#5a3d2b",
];

export function Chart({
  option,
  label,
  height = 260,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);

  useEffect(() => {
    if (element.current === null) return;
    const instance = echarts.init(element.current, undefined, { renderer: "svg" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  const { legend, drawn } = useMemo(() => {
    const { legend: wanted, ...rest } = option as ChartOption & { legend?: unknown };
    return { legend: wanted === undefined ? [] : legendItems(rest, PALETTE), drawn: rest };
  }, [option]);

  useEffect(() => {
    chart.current?.setOption(
      {
        color: PALETTE,
        animation: false,
        textStyle: { fontFamily: "sans-serif" },
        ...drawn,
      },
      true,
    );
  }, [drawn]);

  return (
    <>
      <div className="chart" ref={element} role="img" aria-label={label} style={{ height }} />
      {legend.length > 0 && <ChartLegend items={legend} />}
    </>
  );
}
