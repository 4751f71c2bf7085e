import { BarChart } from "echarts/charts";
import { use as registerEcharts } from "echarts/core";
import { type ChartOption, PALETTE } from "../components/chart.tsx";
import type { PhaseView } from "../worker/jobs/estimate-job.ts";

registerEcharts([BarChart]);

/** One colour per breakdown part (core's stepBreakdown ids), the same in every scenario. */
const PART_ORDER = [
  "norms",
  "attention",
  "dense-ffn",
  "moe-gate",
  "experts",
  "dispatch",
  "combine",
  "head",
  "mtp",
  "sampling",
  "graph-launch",
  "shared-experts",
  "attention-comm",
  "ffn-comm",
  "pipeline-fill",
  "iteration-gap",
];
const EXTRA = ["#4d6a8a", "#a0522d", "#6b8e23", "#b8860b"];

export function partColor(id: string): string {
  const i = PART_ORDER.indexOf(id);
  if (i >= 0) return (i < PALETTE.length ? PALETTE[i] : EXTRA[i - PALETTE.length]) ?? "#888";
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? "#888";
}

/**
 * Step-time breakdown as one stacked horizontal bar per phase (ms per step, work per operator
 * group summed over layers, microbatches and streams), with the step time marked.
 */
export function breakdownChart(phases: readonly PhaseView[]): ChartOption {
  const ids: string[] = [];
  const labels = new Map<string, string>();
  for (const p of phases)
    for (const b of p.breakdown)
      if (!labels.has(b.id)) {
        ids.push(b.id);
        labels.set(b.id, b.label);
      }
  return {
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (p: { seriesName: string; name: string; value: number }) =>
        `${p.name}: <b>${p.seriesName}</b> ${Number(p.value).toFixed(2)} ms`,
    },
    legend: { bottom: 0 },
    grid: { left: 70, right: 24, top: 24, bottom: 64 },
    xAxis: { type: "value", position: "top" },
    yAxis: { type: "category", data: phases.map((p) => p.role), inverse: true },
    series: [
      ...ids.map((id) => ({
        name: labels.get(id),
        type: "bar",
        stack: "work",
        itemStyle: { color: partColor(id) },
        barMaxWidth: 34,
        data: phases.map((p) =>
          Number(((p.breakdown.find((b) => b.id === id)?.seconds ?? 0) * 1e3).toFixed(4)),
        ),
      })),
      {
        name: "step time",
        type: "bar",
        barGap: "-100%",
        barMaxWidth: 34,
        itemStyle: { color: "transparent", borderColor: "#1b2430", borderWidth: 2, borderType: "dashed" },
        data: phases.map((p) => Number((p.stepS * 1e3).toFixed(4))),
        z: 10,
      },
    ],
  };
}

/** Memory per chip as one stacked bar per phase (GB). */
export function memoryChart(phases: readonly PhaseView[]): ChartOption {
  const parts = phases[0]?.memory.map((m) => ({ id: m.id, label: m.label })) ?? [];
  return {
    tooltip: { trigger: "item", valueFormatter: (v: number) => `${v.toFixed(1)} GB` },
    legend: { bottom: 0 },
    grid: { left: 70, right: 24, top: 24, bottom: 40 },
    xAxis: { type: "value", position: "top" },
    yAxis: { type: "category", data: phases.map((p) => p.role), inverse: true },
    series: parts.map((part) => ({
      name: part.label,
      type: "bar",
      stack: "memory",
      barMaxWidth: 34,
      ...(part.id === "free" ? { itemStyle: { color: "#e3e8ee" } } : {}),
      data: phases.map((p) =>
        Number(((p.memory.find((m) => m.id === part.id)?.bytes ?? 0) / 1e9).toFixed(3)),
      ),
    })),
  };
}
