/**
 * Energy and cost figures (core's `estimateEnergy` / `simulationEnergy`) as terminal text: watts per
 * chip, joules per token, tokens per kWh, dollars per million tokens and TCO, then the assumptions
 * each used with its value and evidence tag.
 */
import type { DeploymentEnergy, EnergyAssumption } from "@supernode/core";
import { enUs, enUsSignificant } from "./locale-number.ts";

const n = (x: number, digits = 0) => enUs(x, digits);
const sig = (x: number) => enUsSignificant(x, 3);

/** One line of figures for a deployment's energy. */
export function energyLine(label: string, e: DeploymentEnergy): string {
  const parts = [
    `${n(e.wattsPerChip.value)} W per chip at the facility (accelerator ${n(e.acceleratorWattsPerChip.value)} W = ${n(e.acceleratorFractionOfTdp * 100)} % of TDP, other parts ${n(e.otherWattsPerChip.value)} W, IT ${n(e.itWattsPerChip.value)} W)`,
  ];
  if (e.joulesPerOutputToken !== undefined)
    parts.push(
      `${sig(e.joulesPerOutputToken.value)} J per output token (${n(e.outputTokensPerKWh?.value ?? 0)} per kWh)`,
    );
  if (e.joulesPerInputToken !== undefined)
    parts.push(
      `${sig(e.joulesPerInputToken.value)} J per input token (${n(e.inputTokensPerKWh?.value ?? 0)} per kWh)`,
    );
  if (e.usdPerMillionOutputTokens !== undefined)
    parts.push(`$${sig(e.usdPerMillionOutputTokens.value)} per million output tokens`);
  if (e.usdPerMillionInputTokens !== undefined)
    parts.push(`$${sig(e.usdPerMillionInputTokens.value)} per million input tokens`);
  if (e.tcoUsdPerYear !== undefined && e.costUsdPerYear !== undefined) {
    const c = e.costUsdPerYear;
    parts.push(
      `TCO $${n(e.tcoUsdPerYear.value)} per year for ${n(e.chips)} chips (capex ${n(c.capex)}, electricity ${n(c.electricity)}, facility ${n(c.facility)})`,
    );
  }
  const lines = [`  ${label}: ${parts.join(" · ")}`];
  for (const m of e.missing) lines.push(`    note: ${m}`);
  return lines.join("\n");
}

/** The assumptions, one per line: value, unit, tag, first source. */
export function assumptionLines(assumptions: Readonly<Record<string, EnergyAssumption>>): string[] {
  return Object.values(assumptions).map((a) => {
    const source = a.sources[0]?.title;
    return `    ${a.id} = ${sig(a.value)} ${a.unit} [${a.tag}] ${a.label}${source !== undefined ? ` — ${source}` : ""}`;
  });
}
