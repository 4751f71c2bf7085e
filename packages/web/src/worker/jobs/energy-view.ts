/**
 * Energy and cost beside the Estimate view's throughput: core's `estimateEnergy` per phase reduced
 * to the figures shown (facility watts per chip, joules per token, tokens/s per kW, dollars per
 * million tokens) and the assumptions they used.
 */
import type { DeploymentEnergy, EnergyAssumption } from "@supernode/core";

export interface EnergyView {
  /** Which tokens the energy and cost are per: decode → output, prefill → input. */
  readonly tokens: "output" | "input";
  readonly wattsPerChip: number;
  readonly acceleratorFractionOfTdp: number;
  readonly joulesPerToken?: number;
  readonly tokensPerSPerKW: number;
  readonly usdPerMillionTokens?: number;
  readonly tcoUsdPerYear?: number;
  readonly missing: readonly string[];
}

export interface AssumptionView {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly tag: string;
  readonly source?: string;
  readonly url?: string;
}

/** @example energyView(en.decode, "output", 1943)?.joulesPerToken */
export function energyView(
  e: DeploymentEnergy | undefined,
  tokens: "output" | "input",
  tokensPerSPerChip: number,
): EnergyView | undefined {
  if (e === undefined) return undefined;
  const j = tokens === "output" ? e.joulesPerOutputToken : e.joulesPerInputToken;
  const usd = tokens === "output" ? e.usdPerMillionOutputTokens : e.usdPerMillionInputTokens;
  return {
    tokens,
    wattsPerChip: e.wattsPerChip.value,
    acceleratorFractionOfTdp: e.acceleratorFractionOfTdp,
    ...(j !== undefined ? { joulesPerToken: j.value } : {}),
    tokensPerSPerKW: e.wattsPerChip.value > 0 ? tokensPerSPerChip / (e.wattsPerChip.value / 1000) : 0,
    ...(usd !== undefined ? { usdPerMillionTokens: usd.value } : {}),
    ...(e.tcoUsdPerYear !== undefined ? { tcoUsdPerYear: e.tcoUsdPerYear.value } : {}),
    missing: e.missing,
  };
}

export function assumptionViews(assumptions: Readonly<Record<string, EnergyAssumption>>): AssumptionView[] {
  return Object.values(assumptions).map((a) => ({
    id: a.id,
    label: a.label,
    value: a.value,
    unit: a.unit,
    tag: a.tag,
    ...(a.sources[0] !== undefined ? { source: a.sources[0].title, url: a.sources[0].url } : {}),
  }));
}
