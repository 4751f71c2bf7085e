/**
 * Side-by-side comparison of systems: one row per derived figure (chips, peak FLOP/s per dtype,
 * HBM, scale-up, scale-out, power, per-watt efficiency), each value with its sources, and the
 * ratio of the first system to each other. Plain data for the CLI (table, JSON, CSV) and the web app.
 */
import type { Sourced } from "../spec/index.ts";
import type { QuantityUnit } from "./quantity.ts";
import { type SystemTotals, systemTotals } from "./system-totals.ts";
import type { Dtype, System } from "./types.ts";

export interface ComparisonRow {
  /** Stable key (the SystemTotals field, with `.dtype` for per-dtype rows), e.g. `peakFlopsPerS.bf16`. */
  readonly key: string;
  readonly label: string;
  readonly unit: QuantityUnit;
  /** One per system, in order; null where a system lacks the figure. */
  readonly values: readonly (Sourced<number> | null)[];
  /** values[0] / values[i]; ratios[0] is 1; null where either value is missing. */
  readonly ratios: readonly (number | null)[];
}

export interface SystemComparison {
  readonly systems: ReadonlyArray<{ readonly id: string; readonly name: string; readonly vendor: string }>;
  readonly rows: readonly ComparisonRow[];
}

const DTYPE_LABEL: Readonly<Record<Dtype, string>> = {
  fp32: "FP32",
  tf32: "TF32",
  bf16: "BF16",
  fp16: "FP16",
  fp8: "FP8",
  int8: "INT8",
  fp4: "FP4",
  int4: "INT4",
};

/** Order of dtypes in a comparison: the headline BF16 first. */
const DTYPE_ORDER: readonly Dtype[] = ["bf16", "fp16", "fp8", "int8", "fp4", "tf32", "fp32"];

type Pick = (t: SystemTotals) => Sourced<number> | undefined;

function row(
  key: string,
  label: string,
  unit: QuantityUnit,
  totals: readonly SystemTotals[],
  pick: Pick,
): ComparisonRow {
  const values = totals.map((t) => pick(t) ?? null);
  const first = values[0];
  const ratios = values.map((v) =>
    first === null || first === undefined || v === null || v.value === 0 ? null : first.value / v.value,
  );
  return { key, label, unit, values, ratios };
}

/**
 * @example
 * const c = compareSystems([catalog.system("cloudmatrix384"), catalog.system("gb200-nvl72")]);
 * c.rows.find((r) => r.key === "peakFlopsPerS.bf16")?.ratios[1]; // ≈ 1.66
 */
export function compareSystems(systems: readonly System[]): SystemComparison {
  const totals = systems.map(systemTotals);
  const has = (pick: Pick) => totals.some((t) => pick(t) !== undefined);
  const rows: ComparisonRow[] = [
    row("chips", "Accelerators (packages)", "count", totals, (t) => t.chips),
    row("devices", "Devices (ranks; 910C dies)", "count", totals, (t) => t.devices),
    row("cpus", "CPUs", "count", totals, (t) => t.cpus),
  ];
  for (const dtype of DTYPE_ORDER) {
    const pick: Pick = (t) => t.peakFlopsPerS[dtype];
    if (has(pick))
      rows.push(row(`peakFlopsPerS.${dtype}`, `Dense peak ${DTYPE_LABEL[dtype]}`, "FLOP/s", totals, pick));
  }
  rows.push(
    row("hbmCapacityBytes", "HBM capacity", "bytes", totals, (t) => t.hbmCapacityBytes),
    row("hbmBandwidthBytesPerS", "HBM bandwidth", "bytes/s", totals, (t) => t.hbmBandwidthBytesPerS),
    row("cpuMemoryBytes", "CPU memory (DRAM pool)", "bytes", totals, (t) => t.cpuMemoryBytes),
    row(
      "scaleUpPerChipBytesPerS",
      "Scale-up per accelerator (per direction)",
      "bytes/s",
      totals,
      (t) => t.scaleUpPerChipBytesPerS,
    ),
    row(
      "scaleUpTotalBytesPerS",
      "Scale-up total (per direction)",
      "bytes/s",
      totals,
      (t) => t.scaleUpTotalBytesPerS,
    ),
    row(
      "scaleOutTotalBytesPerS",
      "Scale-out total (per direction)",
      "bytes/s",
      totals,
      (t) => t.scaleOutTotalBytesPerS,
    ),
    row("powerW", "Power (used for per-watt rows)", "W", totals, (t) => t.powerW),
  );
  if (has((t) => t.nameplatePowerW))
    rows.push(row("nameplatePowerW", "Power, nameplate upper bound", "W", totals, (t) => t.nameplatePowerW));
  for (const dtype of DTYPE_ORDER.filter((d) => d === "bf16" || d === "fp8")) {
    const pick: Pick = (t) => t.peakFlopsPerW[dtype];
    if (has(pick))
      rows.push(
        row(`peakFlopsPerW.${dtype}`, `${DTYPE_LABEL[dtype]} FLOP/s per watt`, "FLOP/s/W", totals, pick),
      );
  }
  rows.push(
    row("hbmBandwidthPerW", "HBM bandwidth per watt", "bytes/s/W", totals, (t) => t.hbmBandwidthPerW),
    row("hbmBytesPerW", "HBM capacity per watt", "bytes/W", totals, (t) => t.hbmBytesPerW),
  );
  return {
    systems: systems.map((s) => ({ id: s.id, name: s.name, vendor: s.vendor })),
    rows: rows.filter((r) => r.values.some((v) => v !== null)),
  };
}
