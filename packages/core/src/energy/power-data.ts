/**
 * The power and cost data (data/power/load-power.yaml, data/power/costs.yaml) as sourced values:
 * the accelerator power curve, accelerator TDPs missing from chip files, each system's other parts,
 * and the cost defaults and system prices.
 */
import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import type { Chip, System } from "../hardware/index.ts";
import {
  calibratedOnSchema,
  EVIDENCE_TAGS,
  type EvidenceTag,
  type Sourced,
  type SourceRef,
} from "../spec/index.ts";

const sourceKeys = z.union([z.string(), z.array(z.string()).min(1)]);
const valueSchema = z.strictObject({
  value: z.number().nonnegative(),
  source: sourceKeys,
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
  /** Reference case ids the value was set from (those cases are calibration; docs/validation.md). */
  calibratedOn: calibratedOnSchema.optional(),
  alternatives: z
    .array(z.strictObject({ value: z.number(), source: sourceKeys.optional(), note: z.string().optional() }))
    .optional(),
});
type ValueInput = z.output<typeof valueSchema>;
const sourcesSchema = z.array(
  z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
);

const loadPowerSchema = z.strictObject({
  sources: sourcesSchema,
  acceleratorCurve: z.strictObject({
    idle: valueSchema,
    memory: valueSchema,
    compute: valueSchema,
    fabric: valueSchema,
    overhead: valueSchema,
  }),
  acceleratorTdpW: z.array(z.strictObject({ chip: z.string(), tdpW: valueSchema })),
  systems: z.array(
    z.strictObject({
      system: z.string(),
      conversionEfficiency: valueSchema,
      fansFraction: valueSchema,
      parts: z.array(
        z.strictObject({
          id: z.string(),
          name: z.string(),
          count: z.number().int().positive().optional(),
          /** Count taken from the system data instead of `count` (NVL72: 9 switch trays × 2 chips). */
          countFrom: z.enum(["scale-up-switch-chips"]).optional(),
          perNode: z.boolean().default(false),
          watts: valueSchema,
          loadFactor: valueSchema,
        }),
      ),
    }),
  ),
});

const costsSchema = z.strictObject({
  sources: sourcesSchema,
  defaults: z.strictObject({
    pue: valueSchema,
    electricityUsdPerKWh: valueSchema,
    facilityUsdPerW: valueSchema,
    facilityAmortizationYears: valueSchema,
    amortizationYears: valueSchema,
    utilization: valueSchema,
  }),
  systemPriceUsd: z.array(z.strictObject({ system: z.string(), price: valueSchema })),
});

export type CurveRegime = "idle" | "memory" | "compute" | "fabric" | "overhead";
export type PowerCurve = Readonly<Record<CurveRegime, Sourced<number>>>;

export interface SystemPart {
  readonly id: string;
  readonly name: string;
  /** Parts in one system. */
  readonly count: number;
  readonly watts: Sourced<number>;
  readonly loadFactor: Sourced<number>;
}

export interface SystemPowerParts {
  /** False when data/power has no entry for this system (accelerators only: a lower bound). */
  readonly known: boolean;
  readonly parts: readonly SystemPart[];
  readonly conversionEfficiency: Sourced<number>;
  readonly fansFraction: Sourced<number>;
}

export interface CostDefaults {
  readonly pue: Sourced<number>;
  readonly electricityUsdPerKWh: Sourced<number>;
  readonly facilityUsdPerW: Sourced<number>;
  readonly facilityAmortizationYears: Sourced<number>;
  readonly amortizationYears: Sourced<number>;
  readonly utilization: Sourced<number>;
}

const loadPowerFile = builtinDataOnce("power/load-power.yaml", loadPowerSchema);
const costsFile = builtinDataOnce("power/costs.yaml", costsSchema);

function sourced(input: ValueInput, sources: z.output<typeof sourcesSchema>): Sourced<number> {
  const refs = (keys: string | readonly string[] | undefined): SourceRef[] =>
    (keys === undefined ? [] : typeof keys === "string" ? [keys] : keys).flatMap((key) => {
      const s = sources.find((x) => x.key === key);
      return s === undefined
        ? []
        : [{ key: s.key, title: s.title, url: s.url, ...(s.section ? { section: s.section } : {}) }];
    });
  return {
    value: input.value,
    sources: refs(input.source),
    tag: input.tag as EvidenceTag,
    ...(input.note !== undefined ? { note: input.note } : {}),
    ...(input.alternatives !== undefined
      ? {
          alternatives: input.alternatives.map((a) => ({
            value: a.value,
            sources: refs(a.source),
            ...(a.note !== undefined ? { note: a.note } : {}),
          })),
        }
      : {}),
  };
}

/**
 * Accelerator power per regime, as fractions of TDP.
 * @example acceleratorCurve().memory.value // 0.72
 */
export function acceleratorCurve(): PowerCurve {
  const f = loadPowerFile();
  const c = f.acceleratorCurve;
  return {
    idle: sourced(c.idle, f.sources),
    memory: sourced(c.memory, f.sources),
    compute: sourced(c.compute, f.sources),
    fabric: sourced(c.fabric, f.sources),
    overhead: sourced(c.overhead, f.sources),
  };
}

/**
 * The accelerator's TDP: its chip file's, else data/power's (chips that publish none); undefined if neither.
 * @example acceleratorTdp(catalog.chip("ascend-910c"))?.value // 620
 */
export function acceleratorTdp(chip: Chip): Sourced<number> | undefined {
  if (chip.tdpW !== undefined) return chip.tdpW;
  const f = loadPowerFile();
  const entry = f.acceleratorTdpW.find((e) => e.chip === chip.id);
  return entry === undefined ? undefined : sourced(entry.tdpW, f.sources);
}

/**
 * The parts of a system other than its accelerators, with watts and load factors.
 * @example systemPowerParts(catalog.system("gb200-nvl72")).parts.length // 4
 */
export function systemPowerParts(system: System): SystemPowerParts {
  const f = loadPowerFile();
  const entry = f.systems.find((s) => s.system === system.id);
  if (entry === undefined) {
    const none = (note: string, value: number): Sourced<number> => ({
      value,
      sources: [],
      tag: "assumption",
      note,
    });
    return {
      known: false,
      parts: [],
      conversionEfficiency: none("no power data for this system: conversion losses not counted", 1),
      fansFraction: none("no power data for this system: fans not counted", 0),
    };
  }
  const nodes = system.nodes.value;
  return {
    known: true,
    parts: entry.parts.map((p) => ({
      id: p.id,
      name: p.name,
      count: (p.perNode ? nodes : 1) * partCount(system, p),
      watts: sourced(p.watts, f.sources),
      loadFactor: sourced(p.loadFactor, f.sources),
    })),
    conversionEfficiency: sourced(entry.conversionEfficiency, f.sources),
    fansFraction: sourced(entry.fansFraction, f.sources),
  };
}

/** A part's count: given, or read from the system (its scale-up switch chips, all trays). */
function partCount(
  system: System,
  p: { id: string; count?: number | undefined; countFrom?: string | undefined },
): number {
  if (p.countFrom === "scale-up-switch-chips") {
    const f = system.scaleUp;
    if (f.kind !== "single-tier-switch")
      throw new Error(`data/power/load-power.yaml: ${system.id} has no single tier of switch chips to count`);
    return f.switchChips.value;
  }
  if (p.count === undefined)
    throw new Error(`data/power/load-power.yaml: part ${p.id} of ${system.id} needs count or countFrom`);
  return p.count;
}

/** The cost defaults (PUE, electricity, facility, amortization, utilization). */
export function costDefaults(): CostDefaults {
  const f = costsFile();
  const d = f.defaults;
  return {
    pue: sourced(d.pue, f.sources),
    electricityUsdPerKWh: sourced(d.electricityUsdPerKWh, f.sources),
    facilityUsdPerW: sourced(d.facilityUsdPerW, f.sources),
    facilityAmortizationYears: sourced(d.facilityAmortizationYears, f.sources),
    amortizationYears: sourced(d.amortizationYears, f.sources),
    utilization: sourced(d.utilization, f.sources),
  };
}

/**
 * Price of one system, if a source gives one.
 * @example systemPrice("cloudmatrix384")?.value // 8200000
 */
export function systemPrice(systemId: string): Sourced<number> | undefined {
  const f = costsFile();
  const entry = f.systemPriceUsd.find((e) => e.system === systemId);
  return entry === undefined ? undefined : sourced(entry.price, f.sources);
}
