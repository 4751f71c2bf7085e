/**
 * The inputs of the energy and cost model for one system, resolved once: each a named assumption
 * with its value, unit, evidence tag and sources — the data/power default, or the scenario's
 * `power:` / `cost:` override (tagged `scenario`). Results name the assumptions they used by id.
 */

import type { System } from "../hardware/index.ts";
import {
  type CostSection,
  type EvidenceTag,
  memoByObject,
  type PowerSection,
  type Sourced,
} from "../spec/index.ts";
import {
  acceleratorCurve,
  acceleratorTdp,
  type CurveRegime,
  costDefaults,
  systemPowerParts,
  systemPrice,
} from "./power-data.ts";

export interface EnergyAssumption {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The evidence tag of the default, or `scenario` when the scenario set it. */
  readonly tag: EvidenceTag | "scenario";
  readonly sources: readonly { readonly title: string; readonly url: string; readonly section?: string }[];
  readonly note?: string;
  readonly alternatives?: readonly { readonly value: number; readonly note?: string }[];
}

export interface EnergyInputs {
  readonly system: System;
  readonly chipsPerSystem: number;
  readonly assumptions: Readonly<Record<string, EnergyAssumption>>;
  /** Ids of the per-part assumptions (watts × count × load factor each). */
  readonly partIds: readonly string[];
  /** Whether data/power describes the system's other parts (else accelerators only: a lower bound). */
  readonly partsKnown: boolean;
  /** Why a figure could not be computed (e.g. no system price), for the output. */
  readonly missing: readonly string[];
}

export const CURVE_REGIMES: readonly CurveRegime[] = ["idle", "memory", "compute", "fabric", "overhead"];

function fromSourced(id: string, label: string, unit: string, s: Sourced<number>): EnergyAssumption {
  return {
    id,
    label,
    value: s.value,
    unit,
    tag: s.tag,
    sources: s.sources.map((r) => ({
      title: r.title,
      url: r.url,
      ...(r.section ? { section: r.section } : {}),
    })),
    ...(s.note !== undefined ? { note: s.note } : {}),
    ...(s.alternatives !== undefined && s.alternatives.length > 0
      ? { alternatives: s.alternatives.map((a) => ({ value: a.value, ...(a.note ? { note: a.note } : {}) })) }
      : {}),
  };
}

function fromScenario(
  id: string,
  label: string,
  unit: string,
  value: number,
  file: string,
  field: string,
): EnergyAssumption {
  return {
    id,
    label,
    value,
    unit,
    tag: "scenario",
    sources: [{ title: `scenario ${file}`, url: file, section: field }],
  };
}

/** Collects the assumptions of `energyInputs` in order, each from the scenario or its sourced default. */
interface Collector {
  readonly a: Record<string, EnergyAssumption>;
  readonly missing: string[];
  put(x: EnergyAssumption): void;
  pick(
    id: string,
    label: string,
    unit: string,
    override: number | undefined,
    field: string,
    dflt: Sourced<number> | undefined,
  ): void;
}

function collector(fileName: string): Collector {
  const a: Record<string, EnergyAssumption> = {};
  const put = (x: EnergyAssumption) => {
    a[x.id] = x;
  };
  return {
    a,
    missing: [],
    put,
    pick(id, label, unit, override, field, dflt) {
      if (override !== undefined) put(fromScenario(id, label, unit, override, fileName, field));
      else if (dflt !== undefined) put(fromSourced(id, label, unit, dflt));
    },
  };
}

/** The accelerator's TDP and its power curve. */
function acceleratorAssumptions({ a, missing, pick }: Collector, system: System, power: PowerSection): void {
  const chip = system.node.accelerator.chip;
  pick(
    "accelerator.tdpW",
    `${chip.name} TDP`,
    "W",
    power.acceleratorTdpW,
    "power.acceleratorTdpW",
    acceleratorTdp(chip),
  );
  if (a["accelerator.tdpW"] === undefined)
    missing.push(`${chip.id} has no TDP in the catalog or data/power: set power.acceleratorTdpW`);
  const curve = acceleratorCurve();
  for (const r of CURVE_REGIMES)
    pick(
      `curve.${r}`,
      `accelerator power when ${r === "idle" ? "idle" : `${r}-bound`} (fraction of TDP)`,
      "× TDP",
      power.curve?.[r],
      `power.curve.${r}`,
      curve[r],
    );
}

/** The system's other parts (or the scenario's total for them), power conversion and fans. */
function partAssumptions(
  { missing, put }: Collector,
  system: System,
  power: PowerSection,
  fileName: string,
): { partIds: string[]; known: boolean } {
  const parts = systemPowerParts(system);
  const partIds: string[] = [];
  if (power.otherPartsW !== undefined) {
    put(
      fromScenario(
        "parts.otherW",
        "other parts of the system (all but accelerators)",
        "W per system",
        power.otherPartsW,
        fileName,
        "power.otherPartsW",
      ),
    );
    partIds.push("parts.otherW");
  } else {
    for (const p of parts.parts) {
      const id = `part.${p.id}`;
      const w = fromSourced(id, `${p.count} × ${p.name}`, "W each", p.watts);
      put({
        ...w,
        note: `${w.note ?? ""}${w.note ? "; " : ""}load factor ${p.loadFactor.value} (${p.loadFactor.tag})`.trim(),
      });
      partIds.push(id);
    }
    if (!parts.known)
      missing.push(
        `no data/power entry for ${system.id}: only its accelerators are counted (a lower bound); set power.otherPartsW`,
      );
  }
  put(
    fromSourced(
      "parts.conversionEfficiency",
      "power conversion efficiency (PSUs, busbar)",
      "fraction",
      parts.conversionEfficiency,
    ),
  );
  put(
    fromSourced(
      "parts.fansFraction",
      "fans and pumps (fraction of the parts' power)",
      "fraction",
      parts.fansFraction,
    ),
  );
  return { partIds, known: parts.known };
}

/** Facility overhead and the cost inputs. */
function costAssumptions(
  { a, missing, pick }: Collector,
  system: System,
  power: PowerSection,
  cost: CostSection,
): void {
  const d = costDefaults();
  pick("facility.pue", "facility overhead (PUE)", "×", power.pue, "power.pue", d.pue);
  pick(
    "cost.systemPriceUsd",
    `${system.name} price`,
    "USD per system",
    cost.systemPriceUsd,
    "cost.systemPriceUsd",
    systemPrice(system.id),
  );
  if (a["cost.systemPriceUsd"] === undefined)
    missing.push(`no published price for ${system.id}: set cost.systemPriceUsd for cost figures`);
  pick(
    "cost.amortizationYears",
    "system amortization",
    "years",
    cost.amortizationYears,
    "cost.amortizationYears",
    d.amortizationYears,
  );
  pick(
    "cost.electricityUsdPerKWh",
    "electricity price",
    "USD/kWh",
    cost.electricityUsdPerKWh,
    "cost.electricityUsdPerKWh",
    d.electricityUsdPerKWh,
  );
  pick(
    "cost.facilityUsdPerW",
    "facility capital cost per W of IT capacity",
    "USD/W",
    cost.facilityUsdPerW,
    "cost.facilityUsdPerW",
    d.facilityUsdPerW,
  );
  pick(
    "cost.facilityAmortizationYears",
    "facility amortization",
    "years",
    cost.facilityAmortizationYears,
    "cost.facilityAmortizationYears",
    d.facilityAmortizationYears,
  );
  pick(
    "cost.utilization",
    "utilization (fraction of the year serving at this load)",
    "fraction",
    cost.utilization,
    "cost.utilization",
    d.utilization,
  );
}

/**
 * Resolves the energy and cost inputs of a system, with the scenario's overrides.
 * @example energyInputs(catalog.system("gb200-nvl72")).assumptions["accelerator.tdpW"].value // 1200
 */
export function energyInputs(
  system: System,
  power: PowerSection = {},
  cost: CostSection = {},
  fileName = "scenario",
): EnergyInputs {
  const c = collector(fileName);
  acceleratorAssumptions(c, system, power);
  const parts = partAssumptions(c, system, power, fileName);
  costAssumptions(c, system, power, cost);
  const { a, missing } = c;
  const partIds = parts.partIds;
  return {
    system,
    chipsPerSystem: system.nodes.value * system.node.accelerator.count.value,
    assumptions: a,
    partIds,
    partsKnown: parts.known || power.otherPartsW !== undefined,
    missing,
  };
}

/** Watts of the system's other parts at load (Σ count × watts × load factor), per system. */
// Memoised per inputs object: a search prices thousands of points with one.
export const otherPartsWatts: (inputs: EnergyInputs) => number = memoByObject(sumOtherPartsWatts);

function sumOtherPartsWatts(inputs: EnergyInputs): number {
  const a = inputs.assumptions;
  const other = a["parts.otherW"];
  if (other !== undefined) return other.value;
  let sum = 0;
  for (const p of systemPowerParts(inputs.system).parts) {
    const w = a[`part.${p.id}`];
    sum += p.count * (w?.value ?? 0) * p.loadFactor.value;
  }
  return sum;
}
