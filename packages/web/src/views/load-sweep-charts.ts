/**
 * Charts of a load sweep against the arrival rate: TTFT and TPOT percentiles (p50, p90, p99) with
 * the SLO limit, and SLO attainment with the target; the max load meeting the SLO as a vertical
 * line on each. Limits are two-point line series (no ECharts MarkLine component in the bundle).
 */
import { LineChart } from "echarts/charts";
import { use as registerEcharts } from "echarts/core";
import type { ChartOption } from "../components/chart.tsx";
import type { LoadSweepResult } from "../worker/jobs/load-sweep-job.ts";

registerEcharts([LineChart]);

const LIMIT = "#b3261e";
const MAX_LOAD = "#2e7d32";
const r4 = (x: number) => Number(x.toPrecision(4));

function vertical(name: string, x: number, top: number, color: string) {
  return {
    name,
    type: "line",
    showSymbol: false,
    silent: true,
    lineStyle: { color, type: "dashed" },
    data: [
      [r4(x), 0],
      [r4(x), r4(top)],
    ],
  };
}

function horizontal(name: string, y: number, x0: number, x1: number) {
  return {
    name,
    type: "line",
    showSymbol: false,
    silent: true,
    lineStyle: { color: LIMIT, type: "dashed" },
    data: [
      [r4(x0), r4(y)],
      [r4(x1), r4(y)],
    ],
  };
}

function axes(sweep: LoadSweepResult, yName: string, yMax?: number) {
  const rates = sweep.points.map((p) => p.ratePerS);
  return {
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 56, right: 18, top: 30, bottom: 42 },
    xAxis: {
      type: "value",
      name: "arrival rate (requests/s)",
      nameLocation: "middle",
      nameGap: 26,
      min: Math.min(...rates),
      max: Math.max(...rates),
    },
    yAxis: { type: "value", name: yName, min: 0, ...(yMax === undefined ? {} : { max: yMax }) },
  };
}

/** TTFT (s) or TPOT (ms) percentiles against the arrival rate, with the SLO limit. */
export function sweepLatencyChart(sweep: LoadSweepResult, metric: "ttft" | "tpot"): ChartOption {
  const scale = metric === "ttft" ? 1 : 1e3;
  const unit = metric === "ttft" ? "s" : "ms";
  const name = metric === "ttft" ? "TTFT" : "TPOT";
  const limitS = metric === "ttft" ? sweep.slo.ttftS : sweep.slo.tpotS;
  const stats = (p: LoadSweepResult["points"][number]) => (metric === "ttft" ? p.ttftS : p.tpotS);
  const rates = sweep.points.map((p) => p.ratePerS);
  const top = Math.max(...sweep.points.map((p) => stats(p).p99 * scale), (limitS ?? 0) * scale) * 1.05 || 1;
  return {
    ...axes(sweep, `${name} (${unit})`),
    series: [
      ...(["p50", "p90", "p99"] as const).map((q) => ({
        name: `${name} ${q}`,
        type: "line",
        symbolSize: 6,
        data: sweep.points.map((p) => [p.ratePerS, r4(stats(p)[q] * scale)]),
      })),
      ...(limitS === null
        ? []
        : [
            horizontal(
              `SLO ${r4(limitS * scale)} ${unit}`,
              limitS * scale,
              Math.min(...rates),
              Math.max(...rates),
            ),
          ]),
      ...(sweep.maxRatePerS === undefined
        ? []
        : [vertical("max load meeting the SLO", sweep.maxRatePerS, top, MAX_LOAD)]),
    ],
  };
}

/** SLO attainment (%) against the arrival rate, with the target and the max load. */
export function sweepAttainmentChart(sweep: LoadSweepResult): ChartOption {
  const rates = sweep.points.map((p) => p.ratePerS);
  return {
    ...axes(sweep, "SLO attainment (%)", 100),
    series: [
      {
        name: "SLO attainment",
        type: "line",
        symbolSize: 6,
        data: sweep.points.map((p) => [p.ratePerS, r4(p.attainment * 100)]),
      },
      horizontal(
        `target ${r4(sweep.target * 100)} %`,
        sweep.target * 100,
        Math.min(...rates),
        Math.max(...rates),
      ),
      ...(sweep.maxRatePerS === undefined
        ? []
        : [vertical("max load meeting the SLO", sweep.maxRatePerS, 100, MAX_LOAD)]),
    ],
  };
}
