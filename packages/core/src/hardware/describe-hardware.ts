/**
 * Every field of a chip or system as flat rows (`memory.bandwidthBytesPerS`, value, unit, source),
 * for `supernode show`. A chip whose dies are devices (the 910C) also gets per-die rows; a system
 * gets its derived totals.
 */
import { productOf, ratioOf, type Sourced } from "../spec/index.ts";
import { type QuantityUnit, unitOfPath } from "./quantity.ts";
import { systemTotals } from "./system-totals.ts";
import type { Chip, Cluster, ClusterFabric, System } from "./types.ts";

export interface FieldRow {
  /** Dotted path, e.g. `peakFlopsPerS.bf16`, `perDie.memory.capacityBytes`, `totals.powerW`. */
  readonly path: string;
  /** A sourced number (SI `unit`), or a plain text/boolean field. */
  readonly value: Sourced<number> | string | boolean;
  readonly unit: QuantityUnit | "text";
}

function isSourced(value: unknown): value is Sourced<number> {
  return (
    value !== null &&
    typeof value === "object" &&
    "value" in value &&
    typeof (value as { value: unknown }).value === "number" &&
    Array.isArray((value as { sources?: unknown }).sources)
  );
}

function flatten(value: unknown, path: string, out: FieldRow[]): void {
  if (value === undefined) return;
  if (isSourced(value)) {
    out.push({ path, value, unit: unitOfPath(path) });
    return;
  }
  if (typeof value === "string" || typeof value === "boolean") {
    out.push({ path, value, unit: "text" });
    return;
  }
  if (typeof value === "number") {
    out.push({ path, value: String(value), unit: "text" });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      flatten(item, `${path}[${i}]`, out);
    });
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      // A chip inside a system is shown by id only (`supernode show <chip>` has the rest).
      if (key === "chip" && child !== null && typeof child === "object" && "id" in child)
        out.push({ path: path === "" ? key : `${path}.${key}`, value: String(child.id), unit: "text" });
      else flatten(child, path === "" ? key : `${path}.${key}`, out);
    }
  }
}

/** @example describeChip(catalog.chip("ascend-910c")).find((r) => r.path === "perDie.peakFlopsPerS.bf16") */
export function describeChip(chip: Chip): FieldRow[] {
  const out: FieldRow[] = [];
  flatten(chip, "", out);
  if (chip.diesAreDevices && chip.dies.value > 1) {
    const perDie = (path: string, value: Sourced<number> | undefined) => {
      if (value !== undefined)
        out.push({
          path: `perDie.${path}`,
          value: ratioOf("package value ÷ dies", value, chip.dies),
          unit: unitOfPath(path),
        });
    };
    for (const [dtype, peak] of Object.entries(chip.peakFlopsPerS)) perDie(`peakFlopsPerS.${dtype}`, peak);
    perDie("memory.capacityBytes", chip.memory.capacityBytes);
    perDie("memory.bandwidthBytesPerS", chip.memory.bandwidthBytesPerS);
    perDie("scaleUp.bandwidthBytesPerSPerDirection", chip.scaleUp?.bandwidthBytesPerSPerDirection);
    perDie("scaleOut.bandwidthBytesPerSPerDirection", chip.scaleOut?.bandwidthBytesPerSPerDirection);
  }
  return out;
}

/** @example describeSystem(catalog.system("cloudmatrix384")).find((r) => r.path === "totals.powerW") */
export function describeSystem(system: System): FieldRow[] {
  const out: FieldRow[] = [];
  flatten(system, "", out);
  flatten(systemTotals(system), "totals", out);
  return out.filter((r) => r.path !== "totals.systemId");
}

/** @example describeFabric(catalog.fabric("ib-ndr-fat-tree")) */
export function describeFabric(fabric: ClusterFabric): FieldRow[] {
  const out: FieldRow[] = [];
  flatten(fabric, "", out);
  return out;
}

/** Totals that add up over the systems of a cluster (per-chip and per-watt figures do not). */
const ADDITIVE = new Set([
  "chips",
  "devices",
  "cpus",
  "peakFlopsPerS",
  "hbmCapacityBytes",
  "hbmBandwidthBytesPerS",
  "cpuMemoryBytes",
  "scaleUpTotalBytesPerS",
  "scaleOutTotalBytesPerS",
  "powerW",
  "nameplatePowerW",
]);

/**
 * A cluster of N systems: the system id and count, the fabric's fields (`fabric.…`) and the
 * totals that add up over systems (`totals.…` = N × the system's).
 * @example describeCluster(catalog.cluster({ system: "gb200-nvl72", count: 8 }))
 */
export function describeCluster(cluster: Cluster): FieldRow[] {
  const out: FieldRow[] = [
    { path: "id", value: cluster.id, unit: "text" },
    { path: "system", value: cluster.system.id, unit: "text" },
    { path: "systems", value: String(cluster.systems), unit: "text" },
  ];
  for (const row of describeFabric(cluster.fabric)) out.push({ ...row, path: `fabric.${row.path}` });
  for (const row of describeSystem(cluster.system)) {
    const [head, field] = row.path.split(".");
    if (head !== "totals" || field === undefined || !ADDITIVE.has(field) || typeof row.value !== "object")
      continue;
    out.push({
      ...row,
      value: productOf(`${cluster.systems} systems × the system's total`, cluster.systems, row.value),
    });
  }
  return out;
}
