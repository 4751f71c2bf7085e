/**
 * ECharts option objects for the serving report (plain data, no ECharts import): the CLI renders
 * them to inline SVG for its HTML report; the web app can pass them to its chart component.
 */
import type { ServingPoint, StepBreakdownView } from "./serving-report.ts";

export type ChartOption = Record<string, unknown>;

export const REPORT_PALETTE = [
  "#1f4e79",
  "#76b900",
  "#c0504d",
  "#8064a2",
  "#f79646",
  "#4bacc6",
  "#9bbb59",
  "#7f7f7f",
  "#2c7fb8",
  "#d95f0e",
  "#636363",
  "#e7298a",
];

const pointLabel = (p: ServingPoint) =>
  `${p.systemName.replace(/ \(.*\)$/, "").replace(/^(Huawei|NVIDIA) /, "")}\n${p.point.replace(/^largest batch with /, "")}`;

function bars(
  title: string,
  unit: string,
  points: readonly ServingPoint[],
  value: (p: ServingPoint) => number | undefined,
): ChartOption {
  return {
    animation: false,
    color: REPORT_PALETTE,
    title: { text: title, left: "center", textStyle: { fontSize: 14 } },
    grid: { left: 70, right: 20, top: 40, bottom: 60 },
    xAxis: { type: "category", data: points.map(pointLabel), axisLabel: { interval: 0, fontSize: 10 } },
    yAxis: { type: "value", name: unit, nameTextStyle: { fontSize: 10 } },
    series: [
      {
        type: "bar",
        data: points.map((p, i) => ({
          value: value(p) ?? 0,
          itemStyle: { color: REPORT_PALETTE[i % REPORT_PALETTE.length] },
        })),
        label: { show: true, position: "top", fontSize: 10, formatter: "{c}" },
      },
    ],
  };
}

const round = (x: number | undefined, digits: number) =>
  x === undefined ? undefined : Number(x.toPrecision(digits));

/** Decode points: tokens/s per chip, tokens/s per kW, J per output token, $ per million output tokens. */
export function servingCharts(points: readonly ServingPoint[]): ChartOption[] {
  const decode = points.filter((p) => p.phase === "decode");
  if (decode.length === 0) return [];
  return [
    bars("Decode tokens/s per chip", "tokens/s", decode, (p) => round(p.tokensPerSPerChip, 4)),
    bars("Decode tokens/s per kW (facility)", "tokens/s/kW", decode, (p) => round(p.tokensPerSPerKW, 4)),
    bars("Energy per output token (facility)", "J", decode, (p) =>
      round(p.energy.joulesPerOutputToken?.value, 3),
    ),
    bars("Cost per million output tokens", "USD", decode, (p) =>
      round(p.energy.usdPerMillionOutputTokens?.value, 3),
    ),
  ];
}

/** One stacked horizontal bar per step: seconds per operator group (ms). */
export function breakdownChart(views: readonly StepBreakdownView[]): ChartOption {
  const ids: string[] = [];
  const labels = new Map<string, string>();
  for (const v of views)
    for (const p of v.parts)
      if (!labels.has(p.id)) {
        ids.push(p.id);
        labels.set(p.id, p.label);
      }
  return {
    animation: false,
    color: REPORT_PALETTE,
    title: {
      text: "Step time by operator group (ms; overlapped streams add up past the step)",
      left: "center",
      textStyle: { fontSize: 14 },
    },
    legend: { bottom: 0, type: "plain", textStyle: { fontSize: 10 } },
    grid: { left: 260, right: 30, top: 40, bottom: 70 },
    xAxis: { type: "value", name: "ms" },
    yAxis: {
      type: "category",
      data: views.map((v) => v.label),
      axisLabel: { fontSize: 10, width: 250, overflow: "truncate" },
    },
    series: ids.map((id) => ({
      name: labels.get(id),
      type: "bar",
      stack: "step",
      data: views.map((v) => Number(((v.parts.find((p) => p.id === id)?.seconds ?? 0) * 1e3).toFixed(3))),
    })),
  };
}
