/**
 * The Compare view's data: systems side by side with ratio columns, every figure with its
 * sources, plus the series of its four charts (compute, memory, bandwidth, power).
 */
import { builtinCatalog, type Dtype, type Sourced } from "@supernode/core";
import type { ShownSource } from "../../components/source-tip.tsx";
import { type SystemTotals, systemTotals } from "../core-pending.ts";
import { toShownSource } from "./shown-source.ts";

export interface CompareCell {
  /** SI value; null when the system has no such figure. */
  readonly value: number | null;
  readonly text: string;
  readonly source?: ShownSource;
}

export interface CompareRow {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly cells: readonly CompareCell[];
  /** First system ÷ each other system ("1.67×"); null where undefined. */
  readonly ratios: readonly (string | null)[];
}

export interface CompareResult {
  readonly systems: readonly { readonly id: string; readonly name: string }[];
  readonly groups: readonly { readonly title: string; readonly rows: readonly CompareRow[] }[];
}

interface RowSpec {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  /** Divides the SI value for display. */
  readonly scale: number;
  readonly digits: number;
  readonly pick: (t: SystemTotals) => Sourced<number> | undefined;
}

const DISPLAY_DTYPES: readonly Dtype[] = ["fp32", "bf16", "fp16", "fp8", "int8", "fp4"];

const GROUPS: readonly { title: string; rows: readonly RowSpec[] }[] = [
  {
    title: "Scale",
    rows: [
      { id: "chips", label: "Accelerators", unit: "", scale: 1, digits: 0, pick: (t) => t.chips },
      { id: "devices", label: "Devices (ranks)", unit: "", scale: 1, digits: 0, pick: (t) => t.devices },
      { id: "cpus", label: "CPUs", unit: "", scale: 1, digits: 0, pick: (t) => t.cpus },
    ],
  },
  {
    title: "Compute (dense peak)",
    rows: DISPLAY_DTYPES.map((dtype) => ({
      id: `flops-${dtype}`,
      label: `${dtype.toUpperCase()}`,
      unit: "PFLOPS",
      scale: 1e15,
      digits: 1,
      pick: (t: SystemTotals) => t.peakFlopsPerS[dtype],
    })),
  },
  {
    title: "Memory",
    rows: [
      {
        id: "hbm",
        label: "HBM capacity",
        unit: "TB",
        scale: 1e12,
        digits: 1,
        pick: (t) => t.hbmCapacityBytes,
      },
      {
        id: "hbm-bw",
        label: "HBM bandwidth",
        unit: "TB/s",
        scale: 1e12,
        digits: 0,
        pick: (t) => t.hbmBandwidthBytesPerS,
      },
      {
        id: "cpu-mem",
        label: "CPU memory",
        unit: "TB",
        scale: 1e12,
        digits: 1,
        pick: (t) => t.cpuMemoryBytes,
      },
    ],
  },
  {
    title: "Fabric (per direction)",
    rows: [
      {
        id: "scale-up-chip",
        label: "Scale-up per accelerator",
        unit: "GB/s",
        scale: 1e9,
        digits: 0,
        pick: (t) => t.scaleUpPerChipBytesPerS,
      },
      {
        id: "scale-up-total",
        label: "Scale-up total",
        unit: "TB/s",
        scale: 1e12,
        digits: 1,
        pick: (t) => t.scaleUpTotalBytesPerS,
      },
      {
        id: "scale-out-total",
        label: "Scale-out total",
        unit: "TB/s",
        scale: 1e12,
        digits: 2,
        pick: (t) => t.scaleOutTotalBytesPerS,
      },
    ],
  },
  {
    title: "Power and efficiency",
    rows: [
      { id: "power", label: "Power", unit: "kW", scale: 1e3, digits: 0, pick: (t) => t.powerW },
      {
        id: "power-nameplate",
        label: "Nameplate bound",
        unit: "kW",
        scale: 1e3,
        digits: 0,
        pick: (t) => t.nameplatePowerW,
      },
      {
        id: "flops-per-w",
        label: "BF16 per watt",
        unit: "TFLOPS/W",
        scale: 1e12,
        digits: 2,
        pick: (t) => t.peakFlopsPerW.bf16,
      },
      {
        id: "hbm-bw-per-w",
        label: "HBM bandwidth per watt",
        unit: "GB/s/W",
        scale: 1e9,
        digits: 2,
        pick: (t) => t.hbmBandwidthPerW,
      },
    ],
  },
];

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * @example compareJob({ systemIds: ["cloudmatrix384", "gb200-nvl72"] }).groups[1].rows[1].ratios[0] // "1.67×"
 */
export function compareJob(request: { readonly systemIds: readonly string[] }): CompareResult {
  const catalog = builtinCatalog();
  const systems = request.systemIds.map((id) => catalog.system(id));
  const totals = systems.map((s) => systemTotals(s));
  const groups = GROUPS.map((group) => ({
    title: group.title,
    rows: group.rows
      .map((spec): CompareRow => {
        const cells = totals.map((t): CompareCell => {
          const v = spec.pick(t);
          if (v === undefined) return { value: null, text: "—" };
          const format = (x: number) => formatNumber(x / spec.scale, spec.digits);
          return { value: v.value, text: format(v.value), source: toShownSource(v, format) };
        });
        const first = cells[0]?.value ?? null;
        const ratios = cells.slice(1).map((c) => {
          if (first === null || c.value === null || c.value === 0) return null;
          return `${(first / c.value).toFixed(2)}×`;
        });
        return { id: spec.id, label: spec.label, unit: spec.unit, cells, ratios };
      })
      .filter((row) => row.cells.some((c) => c.value !== null)),
  }));
  return { systems: systems.map((s) => ({ id: s.id, name: s.name })), groups };
}
