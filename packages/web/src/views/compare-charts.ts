import { BarChart } from "echarts/charts";
import { use as registerEcharts } from "echarts/core";
import type { ChartOption } from "../components/chart.tsx";
import type { CompareResult, CompareRow } from "../worker/jobs/compare-job.ts";

registerEcharts([BarChart]);

export interface CompareChart {
  readonly title: string;
  readonly unit: string;
  readonly option: ChartOption;
}

/** Which `compareSystems` rows each chart shows, with short axis labels. */
const CHARTS: readonly { title: string; rows: readonly (readonly [string, string])[] }[] = [
  {
    title: "Compute (dense peak)",
    rows: [
      ["peakFlopsPerS.bf16", "BF16"],
      ["peakFlopsPerS.fp8", "FP8"],
      ["peakFlopsPerS.int8", "INT8"],
      ["peakFlopsPerS.fp4", "FP4"],
    ],
  },
  {
    title: "Memory",
    rows: [
      ["hbmCapacityBytes", "HBM"],
      ["cpuMemoryBytes", "CPU DRAM"],
    ],
  },
  {
    title: "Bandwidth (per direction)",
    rows: [
      ["hbmBandwidthBytesPerS", "HBM"],
      ["scaleUpTotalBytesPerS", "scale-up"],
      ["scaleOutTotalBytesPerS", "scale-out"],
    ],
  },
  {
    title: "Power",
    rows: [
      ["powerW", "used"],
      ["nameplatePowerW", "nameplate"],
    ],
  },
];

/** SI value → the unit of `reference` (a row whose cells carry SI and shown values). */
function converter(reference: CompareRow): (si: number) => number {
  const cell = reference.cells.find((c) => c.value !== null && c.shown !== null && c.value !== 0);
  const factor = cell?.value == null || cell.shown == null ? 1 : cell.shown / cell.value;
  return (si) => Number((si * factor).toPrecision(4));
}

/** Bar charts of the comparison: one unit per chart, one series per system. */
export function compareCharts(result: CompareResult): CompareChart[] {
  const rows = new Map(result.groups.flatMap((g) => g.rows.map((r) => [r.id, r] as const)));
  return CHARTS.map((chart) => {
    const present = chart.rows.flatMap(([id, label]) => {
      const row = rows.get(id);
      return row === undefined ? [] : [{ row, label }];
    });
    const first = present[0]?.row;
    const unit = first?.unit ?? "";
    const convert = first === undefined ? (x: number) => x : converter(first);
    const option: ChartOption = {
      tooltip: {
        confine: true,
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v: number | null) => (v === null ? "—" : `${v.toLocaleString("en-US")} ${unit}`),
      },
      grid: { left: 50, right: 10, top: 28, bottom: 26 },
      xAxis: { type: "category", data: present.map((p) => p.label), axisLabel: { interval: 0 } },
      yAxis: { type: "value", name: unit, nameTextStyle: { align: "left" } },
      series: result.systems.map((system, i) => ({
        name: system.name,
        type: "bar",
        barMaxWidth: 36,
        data: present.map((p) => {
          const v = p.row.cells[i]?.value;
          return v === null || v === undefined ? null : convert(v);
        }),
      })),
    };
    return { title: chart.title, unit, option };
  });
}
