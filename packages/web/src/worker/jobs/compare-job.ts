/**
 * The Compare view's data: the rows of core's `compareSystems` (the figures `supernode compare`
 * prints), grouped, each value in one display unit per row with its sources, and the ratio of the
 * first system to each other.
 */
import { builtinCatalog, compareSystems } from "@supernode/core";
import { displayUnit, formatValue } from "./display-unit.ts";
import { type ShownSource, toShownSource } from "./shown-source.ts";

export interface CompareCell {
  /** SI value; null when the system has no such figure. */
  readonly value: number | null;
  /** Value in the row's display unit. */
  readonly shown: number | null;
  readonly text: string;
  readonly source?: ShownSource;
  /** What a power-based figure rests on (shown beside it): all-in estimate, nameplate, GPU TDP sum… */
  readonly basis?: string;
}

export interface CompareRow {
  /** `compareSystems` row key, e.g. `peakFlopsPerS.bf16`. */
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly cells: readonly CompareCell[];
  /** First system ÷ each other system ("1.66×"); null where undefined. */
  readonly ratios: readonly (string | null)[];
  /** True when the row's figures rest on different power bases (ratios mix kinds of figure). */
  readonly mixedBasis?: boolean;
}

export interface CompareGroup {
  readonly title: string;
  readonly rows: readonly CompareRow[];
}

export interface CompareResult {
  readonly systems: readonly { readonly id: string; readonly name: string }[];
  readonly groups: readonly CompareGroup[];
}

const GROUP_TITLES = [
  "Scale",
  "Compute (dense peak)",
  "Memory",
  "Fabric (per direction)",
  "Power and efficiency",
];

/** The power basis of a system (core's `system.power.basis`) as shown beside its figures. */
const BASIS_LABEL: Record<string, string> = {
  estimate: "all-in estimate",
  nameplate: "nameplate max",
  nominal: "nominal",
  "accelerator-tdp": "accelerator TDP sum (lower bound)",
};

function groupOf(key: string): number {
  if (/PerW/.test(key) || /^(power|nameplate)/i.test(key)) return 4;
  if (key.startsWith("peakFlopsPerS")) return 1;
  if (/^(hbm|cpuMemory)/.test(key)) return 2;
  if (/^scale/.test(key)) return 3;
  return 0;
}

/**
 * @example compareJob({ systemIds: ["cloudmatrix384", "gb200-nvl72"] }).groups[1].rows[0].ratios[0] // "1.66×"
 */
export function compareJob(request: { readonly systemIds: readonly string[] }): CompareResult {
  const catalog = builtinCatalog();
  const systems = request.systemIds.map((id) => catalog.system(id));
  const comparison = compareSystems(systems);
  const bases = systems.map((s) => BASIS_LABEL[s.power.basis] ?? s.power.basis);
  const groups: CompareRow[][] = GROUP_TITLES.map(() => []);
  for (const row of comparison.rows) {
    const unit = displayUnit(
      row.unit,
      row.values.flatMap((v) => (v === null ? [] : [v.value])),
    );
    const format = (x: number) =>
      `${formatValue(x / unit.scale)}${unit.label === "" ? "" : ` ${unit.label}`}`;
    const powerBased = groupOf(row.key) === 4 && row.key !== "nameplatePowerW";
    const cells = row.values.map((v, i): CompareCell => {
      if (v === null) return { value: null, shown: null, text: "—" };
      const shown = v.value / unit.scale;
      const basis = powerBased ? bases[i] : undefined;
      return {
        value: v.value,
        shown,
        text: formatValue(shown),
        source: toShownSource(v, format),
        ...(basis === undefined ? {} : { basis }),
      };
    });
    const shownBases = new Set(cells.flatMap((c) => (c.basis === undefined ? [] : [c.basis])));
    const ratios = row.ratios.slice(1).map((r) => (r === null ? null : `${r.toFixed(2)}×`));
    groups[groupOf(row.key)]?.push({
      id: row.key,
      label: row.label,
      unit: unit.label,
      cells,
      ratios,
      ...(shownBases.size > 1 ? { mixedBasis: true } : {}),
    });
  }
  return {
    systems: comparison.systems.map((s) => ({ id: s.id, name: s.name })),
    groups: GROUP_TITLES.map((title, i) => ({ title, rows: groups[i] ?? [] })).filter(
      (g) => g.rows.length > 0,
    ),
  };
}
