/**
 * The Validate view's charts: the largest relative errors as bars, and every shown case's
 * prediction against its published value on log-log axes with the ±10 % and ±20 % bands (a
 * case on the diagonal is exact; units differ between cases, so only the distance from the
 * diagonal — the ratio — is meaningful across points).
 */

import type { ValidationRow } from "@supernode/core";
import { BarChart, LineChart, ScatterChart } from "echarts/charts";
import { MarkLineComponent } from "echarts/components";
import { use as registerEcharts } from "echarts/core";
import type { ChartOption } from "../components/chart.tsx";
import { errorClass, formatError, formatNumber } from "./validate-table.tsx";

registerEcharts([BarChart, LineChart, ScatterChart, MarkLineComponent]);

const CLASS_COLOUR: Record<string, string> = { good: "#2e7d32", warn: "#d08c00", bad: "#b3261e" };

export function errorChart(rows: readonly ValidationRow[]): ChartOption {
  return {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: number) => `${v.toFixed(1)}%`,
    },
    grid: { left: 130, right: 24, top: 24, bottom: 24 },
    xAxis: { type: "value", name: "error %", position: "top" },
    yAxis: { type: "category", data: rows.map((r) => r.id), inverse: true, axisLabel: { fontSize: 10 } },
    series: [
      {
        type: "bar",
        name: "relative error",
        data: rows.map((r) => ({
          value: Number.isFinite(r.relError) ? Number((r.relError * 100).toFixed(2)) : null,
          itemStyle: { color: { good: "#2e7d32", warn: "#d08c00", bad: "#b3261e" }[errorClass(r.relError)] },
        })),
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { color: "#888", type: "dotted" },
          data: [{ xAxis: -10 }, { xAxis: 10 }],
        },
      },
    ],
  };
}

/** Rows a log-log plot can show: both values finite and positive. */
export function scatterRows(rows: readonly ValidationRow[]): ValidationRow[] {
  return rows.filter(
    (r) =>
      Number.isFinite(r.prediction) && Number.isFinite(r.published) && r.prediction > 0 && r.published > 0,
  );
}

/** A line y = factor·x across [lo, hi] (straight on log-log axes). */
function band(name: string, factor: number, lo: number, hi: number, colour: string, type: string) {
  return {
    type: "line",
    name,
    data: [
      [lo, lo * factor],
      [hi, hi * factor],
    ],
    symbol: "none",
    silent: true,
    lineStyle: { color: colour, type, width: 1 },
    itemStyle: { color: colour },
    tooltip: { show: false },
  };
}

/** Predicted against published, log-log, with y = x and the ±10 % / ±20 % bands. */
export function scatterChart(rows: readonly ValidationRow[]): ChartOption {
  const values = rows.flatMap((r) => [r.prediction, r.published]);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { data: { name: string; value: [number, number]; relError: number; unit: string } }) =>
        `${p.data.name}<br/>published ${formatNumber(p.data.value[0])} ${p.data.unit}<br/>predicted ${formatNumber(
          p.data.value[1],
        )} (${formatError(p.data.relError)})`,
    },
    legend: { bottom: 0, data: ["y = x", "±10 %", "±20 %"] },
    grid: { left: 64, right: 20, top: 16, bottom: 64 },
    xAxis: { type: "log", name: "published", nameLocation: "middle", nameGap: 26, min: lo, max: hi },
    yAxis: { type: "log", name: "predicted", nameLocation: "middle", nameGap: 46, min: lo, max: hi },
    series: [
      band("y = x", 1, lo, hi, "#555", "solid"),
      band("±10 %", 1.1, lo, hi, "#2e7d32", "dashed"),
      { ...band("±10 %", 0.9, lo, hi, "#2e7d32", "dashed") },
      band("±20 %", 1.2, lo, hi, "#d08c00", "dotted"),
      { ...band("±20 %", 0.8, lo, hi, "#d08c00", "dotted") },
      {
        type: "scatter",
        name: "cases",
        symbolSize: 7,
        data: rows.map((r) => ({
          name: r.id,
          value: [r.published, r.prediction],
          relError: r.relError,
          unit: r.unit,
          itemStyle: { color: CLASS_COLOUR[errorClass(r.relError)], opacity: 0.85 },
        })),
      },
    ],
  };
}
