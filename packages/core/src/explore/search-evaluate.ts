/**
 * One candidate of a deployment search: its overrides applied to the base document (or, for
 * another batch of an already-resolved layout, the plan reused with the new batch), estimated with
 * the step model, and turned into a search point with its SLO verdict and economics.
 */
import {
  type InstanceRole,
  parseScenarioVariant,
  type Scenario,
  type ScenarioSource,
} from "../deploy/index.ts";
import type { EnergyInputs } from "../energy/index.ts";
import type { ScenarioOverride } from "../spec/index.ts";
import { chunkPerChip, type RequestShape } from "./chunked-step.ts";
import { stepEconomics, tokensPerDollar, tokensPerKw } from "./point-economics.ts";
import { pruneReason } from "./prune-reason.ts";
import { chunkedFigures, decodeFigures, type Figures } from "./search-figures.ts";
import { type Candidate, type CandidateContext, candidateLabel, candidateOverrides } from "./search-space.ts";
import type { SearchOptions, SearchPoint, Slo } from "./search-types.ts";

/** A candidate evaluated: a point (with its SLO misses and resolved scenario), or why it was pruned. */
export type Outcome =
  | { kind: "point"; point: SearchPoint; missTpot: boolean; missTtft: boolean; scenario: Scenario }
  | { kind: "pruned"; reason: string; layoutWide: boolean };

/**
 * Resolves one candidate (from the layout's `template` when only the batch changed), estimates
 * it and turns the figures into a search point; what does not resolve or estimate is pruned.
 */
export function evaluateCandidate(
  source: ScenarioSource,
  options: SearchOptions,
  candidate: Candidate,
  ctx: CandidateContext,
  slo: Slo,
  fixedTtftS: number | undefined,
  energy: EnergyInputs,
  template?: Scenario,
  kvShape?: RequestShape,
): Outcome {
  const overrides = candidateOverrides(candidate, ctx);
  const shape = options.chunked;
  if (shape !== undefined) {
    const tokensPerStep = 1 + (candidate.mtpDraftTokens > 0 ? (ctx.mtpAcceptanceRate ?? 0) : 0);
    const chunk = chunkPerChip(candidate.batchPerChip, tokensPerStep, shape);
    overrides.push({ path: ["deployment", ctx.role, "tokensPerChip"], value: Math.max(1, Math.ceil(chunk)) });
  }
  // The unchanged prefill group is not re-estimated for every decode candidate.
  const decodeOnly: ScenarioOverride[] =
    ctx.role === "decode" ? [...overrides, { path: ["deployment", "prefill"], value: null }] : overrides;
  let scenario: Scenario;
  try {
    scenario =
      (shape === undefined && template !== undefined
        ? withBatch(template, ctx.role, candidate.batchPerChip)
        : undefined) ??
      parseScenarioVariant(source, options.catalog, { ...options.parseOptions, overrides: decodeOnly });
  } catch (error) {
    return { kind: "pruned", ...pruneReason(error, "resolve") };
  }
  let figures: Figures;
  try {
    figures =
      shape !== undefined ? chunkedFigures(scenario, shape) : decodeFigures(scenario, fixedTtftS, kvShape);
  } catch (error) {
    return { kind: "pruned", ...pruneReason(error, "estimate") };
  }
  if (figures === undefined) return { kind: "pruned", reason: "no decode estimate", layoutWide: true };
  const missTpot = slo.tpotS !== undefined && figures.tpotS > slo.tpotS;
  const ttftS = figures.ttftS;
  const missTtft = slo.ttftS !== undefined && ttftS !== undefined && ttftS > slo.ttftS;
  const economics = stepEconomics(energy, figures.timeByBound, figures.stepS, figures.activity);
  const perDollar = tokensPerDollar(figures.tokensPerSPerChip, economics);
  const point: SearchPoint = {
    candidate,
    label: candidateLabel(candidate, ctx.ranksPerChip),
    overrides,
    tpotS: figures.tpotS,
    ...(ttftS !== undefined ? { ttftS } : {}),
    tokensPerSPerChip: figures.tokensPerSPerChip,
    tokensPerSPerUser: 1 / figures.tpotS,
    memoryPerChipBytes: figures.memoryBytes,
    meetsSlo: !missTpot && !missTtft,
    stepS: figures.stepS,
    economics,
    tokensPerKw: tokensPerKw(figures.tokensPerSPerChip, economics),
    ...(perDollar !== undefined ? { tokensPerDollar: perDollar } : {}),
    ...(figures.chunkTokensPerChip !== undefined ? { chunkTokensPerChip: figures.chunkTokensPerChip } : {}),
  };
  return { kind: "point", point, missTpot, missTtft, scenario };
}

/**
 * A resolved candidate at another batch per chip, without resolving the document again: the batch
 * enters the plan only as its value and the attention-DP divisibility check (deploy/plan.ts), which
 * is repeated here. Undefined (resolve the document) when the plan has pipeline stages or offload,
 * whose stage plans derive from the batch.
 */
function withBatch(template: Scenario, role: InstanceRole, batchPerChip: number): Scenario | undefined {
  const plan = template.deployment[role];
  const group = template.document.deployment[role];
  if (plan === undefined || group === undefined || plan.pipeline !== undefined || plan.offload !== undefined)
    return undefined;
  if ((batchPerChip * plan.chipsPerInstance) % plan.attention.dp !== 0) return undefined;
  return {
    ...template,
    deployment: { ...template.deployment, [role]: { ...plan, batchPerChip } },
    document: {
      ...template.document,
      deployment: { ...template.document.deployment, [role]: { ...group, batchPerChip } },
    },
  };
}
