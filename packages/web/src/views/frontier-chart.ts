/**
 * The Frontier view's chart: every evaluated deployment (grey; meeting the TPOT limit in blue),
 * the Pareto frontier as a line, the scenario as written and the best point under the limit.
 */
import { LineChart, ScatterChart } from "echarts/charts";
import { use as registerEcharts } from "echarts/core";
import type { ChartOption } from "../components/chart.tsx";
import type { FrontierView } from "../worker/jobs/frontier-job.ts";

registerEcharts([LineChart, ScatterChart]);

const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });

export function frontierChart(v: FrontierView): ChartOption {
  const meets = v.points.filter((p) => p[2] === 1).map((p) => [p[0], p[1]]);
  const misses = v.points.filter((p) => p[2] === 0).map((p) => [p[0], p[1]]);
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { seriesName: string; data: unknown }) => {
        const d = p.data as [number, number, string?] | { value: [number, number]; label: string };
        const [x, y, label] = Array.isArray(d) ? d : [d.value[0], d.value[1], d.label];
        return `${p.seriesName}${label === undefined ? "" : `<br/>${label}`}<br/>${fmt(x)} tokens/s per user · ${fmt(y)} tokens/s per chip`;
      },
    },
    legend: {},
    grid: { left: 64, right: 20, top: 16, bottom: 48 },
    xAxis: { type: "value", name: "tokens/s per user (1 / TPOT)", nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", name: "tokens/s per chip", nameLocation: "middle", nameGap: 50 },
    series: [
      {
        type: "scatter",
        name: "misses the TPOT limit",
        symbolSize: 4,
        itemStyle: { color: "#b9c3cf" },
        data: misses,
      },
      {
        type: "scatter",
        name: "meets the TPOT limit",
        symbolSize: 4,
        itemStyle: { color: "#8fb3d9" },
        data: meets,
      },
      {
        type: "line",
        name: "Pareto frontier",
        itemStyle: { color: "#1f4e79" },
        lineStyle: { color: "#1f4e79", width: 2 },
        symbolSize: 7,
        data: v.frontier.map((p) => ({ value: [p.tokensPerSPerUser, p.tokensPerSPerChip], label: p.label })),
      },
      {
        type: "scatter",
        name: "scenario as written",
        symbol: "diamond",
        symbolSize: 13,
        itemStyle: { color: "#f79646" },
        data: [[v.base.tokensPerSPerUser, v.base.tokensPerSPerChip, "as written"]],
      },
      ...(v.best === undefined
        ? []
        : [
            {
              type: "scatter",
              name: "best under the limit",
              symbol: "triangle",
              symbolSize: 13,
              itemStyle: { color: "#2e7d32" },
              data: [[v.best.tokensPerSPerUser, v.best.tokensPerSPerChip, v.best.label]],
            },
          ]),
    ],
  };
}
