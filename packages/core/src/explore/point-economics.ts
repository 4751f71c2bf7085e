/**
 * Power and cost of a searched point, per chip, from the energy layer (`deploymentEnergy`: the
 * accelerator's power curve over the step's time per bound, the system's other parts, PUE; TCO
 * from the system price, electricity and facility), so a search can rank by tokens per kW and per
 * dollar as well as per chip. A pool of mixed chips (disaggregated prefill + decode) is the
 * chip-weighted mean of its parts (`mixEconomics`).
 */
import { deploymentEnergy, type EnergyInputs } from "../energy/index.ts";
import type { StepActivity, StepBound } from "../perf/index.ts";

const YEAR_S = 365.25 * 86400;

export interface PointEconomics {
  /** Facility watts per chip at this load (IT × PUE). */
  readonly wattsPerChip: number;
  /** Total cost of ownership per chip per year (undefined: no system price in the data). */
  readonly usdPerChipYear?: number;
  /** Fraction of the year the chips serve (the cost model's utilization). */
  readonly utilization: number;
}

/** The ranking keys of `search` and `frontier`. */
export type RankBy = "tokens-per-chip" | "tokens-per-kw" | "tokens-per-dollar";

export const RANK_KEYS: readonly RankBy[] = ["tokens-per-chip", "tokens-per-kw", "tokens-per-dollar"];

/**
 * Power and cost per chip of a step profile.
 * @example stepEconomics(energyInputs(system), step.timeByBound, step.stepS).wattsPerChip
 */
export function stepEconomics(
  inputs: EnergyInputs,
  timeByBound: Readonly<Record<StepBound, number>>,
  stepS: number,
  activity?: StepActivity,
): PointEconomics {
  const e = deploymentEnergy(inputs, {
    chips: 1,
    timeByBound,
    stepS,
    ...(activity !== undefined ? { activity } : {}),
    outputTokensPerS: 0,
    inputTokensPerS: 0,
  });
  return {
    wattsPerChip: e.wattsPerChip.value,
    ...(e.tcoUsdPerYear !== undefined ? { usdPerChipYear: e.tcoUsdPerYear.value } : {}),
    utilization: inputs.assumptions["cost.utilization"]?.value ?? 1,
  };
}

/**
 * Chip-weighted mean of two pools' economics (`share` = the first pool's fraction of the chips).
 * @example mixEconomics(decode, prefill, 0.8).wattsPerChip
 */
export function mixEconomics(a: PointEconomics, b: PointEconomics, share: number): PointEconomics {
  const w = (x: number, y: number) => share * x + (1 - share) * y;
  return {
    wattsPerChip: w(a.wattsPerChip, b.wattsPerChip),
    ...(a.usdPerChipYear !== undefined && b.usdPerChipYear !== undefined
      ? { usdPerChipYear: w(a.usdPerChipYear, b.usdPerChipYear) }
      : {}),
    utilization: a.utilization,
  };
}

/** Output tokens/s per kW of facility power. */
export function tokensPerKw(tokensPerSPerChip: number, e: PointEconomics): number {
  return e.wattsPerChip > 0 ? (tokensPerSPerChip * 1000) / e.wattsPerChip : 0;
}

/** Output tokens per dollar of TCO (at the cost model's utilization); undefined without a price. */
export function tokensPerDollar(tokensPerSPerChip: number, e: PointEconomics): number | undefined {
  if (e.usdPerChipYear === undefined || e.usdPerChipYear <= 0) return undefined;
  return (tokensPerSPerChip * e.utilization * YEAR_S) / e.usdPerChipYear;
}

/** The figure a point is ranked by (higher is better; a missing price ranks last). */
export function rankValue(
  p: { readonly tokensPerSPerChip: number; readonly tokensPerKw?: number; readonly tokensPerDollar?: number },
  by: RankBy,
): number {
  switch (by) {
    case "tokens-per-chip":
      return p.tokensPerSPerChip;
    case "tokens-per-kw":
      return p.tokensPerKw ?? Number.NEGATIVE_INFINITY;
    case "tokens-per-dollar":
      return p.tokensPerDollar ?? Number.NEGATIVE_INFINITY;
  }
}
