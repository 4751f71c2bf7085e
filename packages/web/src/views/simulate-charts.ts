import { BarChart, LineChart } from "echarts/charts";
import { use as registerEcharts } from "echarts/core";
import type { ChartOption } from "../components/chart.tsx";
import type { Histogram, SimulationView } from "../worker/jobs/simulation-view.ts";

// The SLO limit is drawn as a two-point line series rather than a markLine, so this view does not
// load ECharts' MarkLine component (the page JS budget of #17: < 300 KB gzip per view).
registerEcharts([BarChart, LineChart]);

/** A latency histogram in ms, with the SLO limit (if any) as a vertical line. */
export function latencyHistogram(h: Histogram, name: string, limitS: number | null): ChartOption {
  const centres = h.counts.map((_, i) => (((h.edgesS[i] ?? 0) + (h.edgesS[i + 1] ?? 0)) / 2) * 1e3);
  const maxMs = (h.edgesS[h.edgesS.length - 1] ?? 1) * 1e3;
  // Draw the SLO limit on the axis only when it is near the data; else name it in the axis title.
  const limitMs = limitS === null ? null : limitS * 1e3;
  const onScale = limitMs !== null && limitMs <= 2 * maxMs;
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => `${v} requests` },
    grid: { left: 50, right: 16, top: 28, bottom: 40 },
    xAxis: {
      type: "value",
      name:
        limitMs !== null && !onScale
          ? `${name} (ms) — SLO ${limitMs.toFixed(0)} ms: off scale`
          : `${name} (ms)`,
      nameLocation: "middle",
      nameGap: 26,
      min: 0,
      max: onScale && limitMs !== null ? Math.max(maxMs, limitMs * 1.05) : maxMs,
    },
    yAxis: { type: "value", name: "requests" },
    series: [
      {
        name,
        type: "bar",
        barWidth: "90%",
        data: centres.map((c, i) => [Number(c.toPrecision(4)), h.counts[i] ?? 0]),
      },
      ...(!onScale || limitMs === null
        ? []
        : [
            {
              name: `SLO ${limitMs.toFixed(0)} ms`,
              type: "line",
              showSymbol: false,
              silent: true,
              lineStyle: { color: "#b3261e", type: "dashed" },
              endLabel: { show: true, formatter: `SLO ${limitMs.toFixed(0)} ms`, color: "#b3261e" },
              data: [
                [Number(limitMs.toPrecision(4)), 0],
                [Number(limitMs.toPrecision(4)), Math.max(1, ...h.counts)],
              ],
            },
          ]),
    ],
  };
}

/** Output tokens/s and queue lengths over simulated time. */
export function timeSeriesChart(v: SimulationView): ChartOption {
  const pairsOf = (ts: readonly number[], ys: readonly number[]) =>
    ts.map((x, i) => [Number(x.toFixed(3)), Number((ys[i] ?? 0).toPrecision(5))]);
  const pairs = (ys: readonly number[]) => pairsOf(v.series.timeS, ys);
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 64, right: 56, top: 34, bottom: 40 },
    xAxis: { type: "value", name: "simulated time (s)", nameLocation: "middle", nameGap: 26, min: 0 },
    yAxis: [
      { type: "value", name: "tokens/s", position: "left" },
      { type: "value", name: "requests", position: "right", splitLine: { show: false } },
    ],
    series: [
      {
        name: "output tokens/s",
        type: "line",
        showSymbol: false,
        data: pairsOf(v.throughputSeries.timeS, v.throughputSeries.outputTokensPerS),
        areaStyle: { opacity: 0.12 },
      },
      {
        name: "waiting for prefill",
        type: "line",
        yAxisIndex: 1,
        showSymbol: false,
        data: pairs(v.series.waitingPrefill),
      },
      {
        name: "waiting for decode",
        type: "line",
        yAxisIndex: 1,
        showSymbol: false,
        data: pairs(v.series.waitingDecode),
      },
      { name: "running", type: "line", yAxisIndex: 1, showSymbol: false, data: pairs(v.series.running) },
    ],
  };
}
