/**
 * ECharts option → SVG string, rendered in Node with ECharts' server-side SVG renderer (no DOM,
 * no canvas), for the self-contained HTML report.
 */
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

/** @example renderSvg(option, 640, 320).startsWith("<svg") */
export function renderSvg(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(option as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
