import type { ChartOption } from "../components/chart.tsx";
import type { CompareResult } from "../worker/jobs/compare-job.ts";

export interface CompareChart {
  readonly title: string;
  readonly unit: string;
  readonly option: ChartOption;
}

const CHARTS: readonly { title: string; unit: string; rows: readonly string[] }[] = [
  {
    title: "Compute (dense peak)",
    unit: "PFLOPS",
    rows: ["flops-bf16", "flops-fp8", "flops-int8", "flops-fp4"],
  },
  { title: "Memory", unit: "TB", rows: ["hbm", "cpu-mem"] },
  { title: "Bandwidth (per direction)", unit: "TB/s", rows: ["hbm-bw", "scale-up-total", "scale-out-total"] },
  { title: "Power", unit: "kW", rows: ["power", "power-nameplate"] },
];

/** Bar charts of the comparison: one per unit, one series per system. */
export function compareCharts(result: CompareResult): CompareChart[] {
  const rows = new Map(result.groups.flatMap((g) => g.rows.map((r) => [r.id, r] as const)));
  return CHARTS.map((chart) => {
    const present = chart.rows.map((id) => rows.get(id)).filter((r) => r !== undefined);
    const option: ChartOption = {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v: number) => `${v} ${chart.unit}`,
      },
      legend: { top: 0 },
      grid: { left: 56, right: 12, top: 34, bottom: 28 },
      xAxis: { type: "category", data: present.map((r) => r.label) },
      yAxis: { type: "value", name: chart.unit, nameTextStyle: { align: "right" } },
      series: result.systems.map((system, i) => ({
        name: system.name,
        type: "bar",
        barMaxWidth: 36,
        data: present.map((r) => {
          const text = r.cells[i]?.text ?? "—";
          const v = Number(text.replaceAll(",", ""));
          return Number.isFinite(v) ? v : null;
        }),
      })),
    };
    return { title: chart.title, unit: chart.unit, option };
  });
}
