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
  "host-wait",
  "piecewise-forward",
];
const EXTRA = ["#4d6a8a", "#a0522d", "#6b8e23", "#b8860b", "#8b3a62"];

export function partColor(id: string): string {
  const i = PART_ORDER.indexOf(id);
  if (i >= 0) return (i < PALETTE.length ? PALETTE[i] : EXTRA[i - PALETTE.length]) ?? "#888";
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? "#888";
}

/** A segment is labelled with its part's name when it is at least this share of the longest bar. */
const LABELLED_SHARE = 0.08;
const ms = (seconds: number) => `${(seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1)} ms`;

/**
 * The breakdown in words, the chart's accessible name: per phase, its parts by time (largest
 * first) and the step time.
 * @example breakdownSummary(phases) // "Step-time breakdown. decode: experts 12.3 ms, attention 8.1 ms, …; step 49.0 ms."
 */
export function breakdownSummary(phases: readonly PhaseView[]): string {
  const parts = phases.map((p) => {
    const sorted = [...p.breakdown].sort((a, b) => b.seconds - a.seconds);
    return `${p.role}: ${sorted.map((b) => `${b.label} ${ms(b.seconds)}`).join(", ")}; step ${ms(p.stepS)}`;
  });
  return `Step-time breakdown. ${parts.join(". ")}.`;
}

/**
 * Step-time breakdown as one stacked horizontal bar per phase (ms per step, work per operator
 * group summed over layers, microbatches and streams), with the step time marked. Segments wide
 * enough carry their part's name; hovering one names it and highlights that part in every phase.
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
  const longestMs = Math.max(
    ...phases.map((p) => p.breakdown.reduce((sum, b) => sum + b.seconds, 0) * 1e3),
    ...phases.map((p) => p.stepS * 1e3),
  );
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
        emphasis: { focus: "series" },
        label: {
          show: true,
          position: "inside",
          color: "#fff",
          fontSize: 10,
          textBorderColor: "rgba(0,0,0,0.45)",
          textBorderWidth: 2,
          formatter: (p: { value: number }) =>
            Number(p.value) >= LABELLED_SHARE * longestMs ? (labels.get(id) ?? id) : "",
        },
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
        // Drawn over the segments: let the pointer through to them (their tooltips name them).
        silent: true,
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
