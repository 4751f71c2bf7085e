/**
 * `searchPrefill`: the prefill pool's half of a disaggregated search. Enumerates the layouts of the
 * base scenario's `prefill` group (chips per instance, attention TP, MoE TP / EP, pipeline stages,
 * precision) and the prompt tokens per chip in one iteration (in place of the decode batch), with
 * the decode group removed; estimates each with the step model (TTFT of a prompt in a full
 * iteration, no queueing, plus the prompt's KV transfer to the decode pool when given; input
 * tokens/s per chip) and prunes what does not divide or fit, counted per reason, as
 * `searchDeployments` does. The document is validated once; each candidate validates only its
 * deployment and shares the resolved system, model, engine and precision (`parseScenarioVariant`),
 * and the other prompt-token counts of a layout reuse its first resolved plan (`withPrefillTokens`).
 */

import { parseScenarioVariant, type Scenario, type ScenarioSource, scenarioSource } from "../deploy/index.ts";
import { type EnergyInputs, energyInputs } from "../energy/index.ts";
import { estimate } from "../perf/index.ts";
import type { ScenarioOverride, SourceDocument } from "../spec/index.ts";
import {
  type PointEconomics,
  type RankBy,
  stepEconomics,
  tokensPerDollar,
  tokensPerKw,
} from "./point-economics.ts";
import { chipSupports, isSearchDtype } from "./precision-choices.ts";
import { pruneReason } from "./prune-reason.ts";
import type { SearchOptions } from "./search.ts";
import {
  type Candidate,
  type CandidateContext,
  candidateEp,
  candidateLabel,
  candidateOverrides,
  type Layout,
  layouts,
  type SearchSpace,
} from "./search-space.ts";

export interface PrefillPoint {
  readonly layout: Layout;
  /** Prompt tokens per chip in one iteration. */
  readonly tokensPerChip: number;
  readonly label: string;
  readonly overrides: readonly ScenarioOverride[];
  /** Time to the first token: the prefill (`prefillS`) plus the KV transfer (`kvTransferS`). */
  readonly ttftS: number;
  /** The prompt's prefill in a full iteration (no queueing). */
  readonly prefillS: number;
  /** The prompt's KV cache moving to the decode pool (0 unless the search gives it). */
  readonly kvTransferS: number;
  /** Input (prompt) tokens/s per chip. */
  readonly tokensPerSPerChip: number;
  readonly economics: PointEconomics;
  /** Input tokens/s per kW and per dollar, for ranking the pool by power or cost. */
  readonly tokensPerKw: number;
  readonly tokensPerDollar?: number;
  readonly meetsSlo: boolean;
}

export interface PrefillSearchResult {
  readonly total: number;
  readonly evaluated: number;
  readonly pruned: Readonly<Record<string, number>>;
  readonly points: readonly PrefillPoint[];
  /** Points within the TTFT SLO, best first by the ranking key. */
  readonly ranked: readonly PrefillPoint[];
}

/** The space of a prefill search: a search space whose batch list is prompt tokens per chip. */
export interface PrefillSpace extends Omit<SearchSpace, "role" | "batchPerChip" | "mtpDraftTokens"> {
  readonly tokensPerChip: readonly number[];
}

/**
 * Searches the prefill group of a scenario with `prefill` and `decode` groups.
 * @example searchPrefill(doc, base, space, { slo: { ttftS: 5 } }).ranked[0]?.ttftS
 */
export function searchPrefill(
  doc: SourceDocument,
  base: Scenario,
  space: PrefillSpace,
  options: Pick<SearchOptions, "catalog" | "parseOptions" | "slo" | "rankBy"> & {
    /** Seconds one prompt's KV takes to reach the decode pool, added to every TTFT. */
    readonly kvTransferS?: number;
  } = {},
): PrefillSearchResult {
  const chip = base.system.node.accelerator.chip;
  const moe = base.model.moe;
  const ctx: CandidateContext = {
    role: "prefill",
    ranksPerChip: chip.diesAreDevices ? chip.dies.value : 1,
    ...(moe !== undefined ? { experts: { routed: moe.numRoutedExperts, shared: moe.numSharedExperts } } : {}),
    overlap: {},
    precisionSections: Object.fromEntries(
      (space.precisions ?? []).flatMap((p) => (p.section !== undefined ? [[p.id, p.section]] : [])),
    ),
  };
  const energy = energyInputs(base.system, base.document.power, base.document.cost, base.fileName);
  const full: SearchSpace = {
    ...space,
    role: "prefill",
    batchPerChip: space.tokensPerChip,
    mtpDraftTokens: [0],
  };
  const pruned: Record<string, number> = {};
  const prune = (reason: string, n: number) => {
    pruned[reason] = (pruned[reason] ?? 0) + n;
  };
  const points: PrefillPoint[] = [];
  let total = 0;
  const n = space.tokensPerChip.length;
  const source = scenarioSource(doc);
  for (const layout of layouts(full)) {
    total += n;
    const resolved: LayoutTemplate = {};
    const precision = layout.precision;
    if (precision !== undefined && isSearchDtype(precision) && !chipSupports(chip, precision)) {
      prune(`precision not supported by the chip: ${precision}`, n);
      continue;
    }
    if (ctx.experts !== undefined && !Number.isInteger(candidateEp(layout, ctx.ranksPerChip))) {
      prune("does not divide: moe.tp (MoE TP does not divide the ranks)", n);
      continue;
    }
    for (let i = 0; i < n; i++) {
      const tokens = space.tokensPerChip[i] as number;
      const c = { ...layout, batchPerChip: tokens };
      const out = evaluatePrefill(source, options, c, ctx, energy, options.kvTransferS ?? 0, resolved);
      if ("reason" in out) {
        const rest = out.layoutWide || out.reason.startsWith("does not fit") ? n - i : 1;
        prune(out.reason, rest);
        if (rest > 1) break;
        continue;
      }
      const ttftSlo = options.slo?.ttftS;
      points.push({ ...out, meetsSlo: ttftSlo === undefined || out.ttftS <= ttftSlo });
    }
  }
  const by: RankBy = options.rankBy ?? "tokens-per-chip";
  const key = (p: PrefillPoint) =>
    by === "tokens-per-kw"
      ? p.tokensPerKw
      : by === "tokens-per-dollar"
        ? (p.tokensPerDollar ?? Number.NEGATIVE_INFINITY)
        : p.tokensPerSPerChip;
  const ranked = points.filter((p) => p.meetsSlo).sort((a, b) => key(b) - key(a));
  return { total, evaluated: points.length, pruned, points, ranked };
}

/** The first scenario resolved for a layout, reused at its other prompt-token counts. */
interface LayoutTemplate {
  scenario?: Scenario;
}

function evaluatePrefill(
  source: ScenarioSource,
  options: Pick<SearchOptions, "catalog" | "parseOptions">,
  c: Candidate,
  ctx: CandidateContext,
  energy: EnergyInputs,
  kvTransferS: number,
  resolved: LayoutTemplate,
): Omit<PrefillPoint, "meetsSlo"> | { reason: string; layoutWide: boolean } {
  // The candidate's batch is the prompt tokens per chip of an iteration.
  const overrides = candidateOverrides(c, ctx).map((o) =>
    o.path[o.path.length - 1] === "batchPerChip"
      ? { path: [...o.path.slice(0, -1), "tokensPerChip"], value: o.value }
      : o,
  );
  let scenario: Scenario;
  try {
    scenario =
      (resolved.scenario !== undefined ? withPrefillTokens(resolved.scenario, c.batchPerChip) : undefined) ??
      parseScenarioVariant(source, options.catalog, {
        ...options.parseOptions,
        overrides: [...overrides, { path: ["deployment", "decode"], value: null }],
      });
  } catch (error) {
    return pruneReason(error, "resolve");
  }
  resolved.scenario ??= scenario;
  let prefill: NonNullable<ReturnType<typeof estimate>["prefill"]>;
  try {
    const p = estimate(scenario).prefill;
    if (p === undefined) return { reason: "no prefill estimate", layoutWide: true };
    prefill = p;
  } catch (error) {
    return pruneReason(error, "estimate");
  }
  const economics = stepEconomics(
    energy,
    prefill.step.timeByBound,
    prefill.step.stepS,
    prefill.step.activity,
  );
  const perDollar = tokensPerDollar(prefill.tokensPerSPerChip, economics);
  const { batchPerChip: _b, ...layout } = c;
  return {
    layout,
    tokensPerChip: c.batchPerChip,
    label: candidateLabel(c, ctx.ranksPerChip).replace(/ · B(\d+)/, " · $1 tok/chip"),
    overrides,
    ttftS: prefill.ttftS + kvTransferS,
    prefillS: prefill.ttftS,
    kvTransferS,
    tokensPerSPerChip: prefill.tokensPerSPerChip,
    economics,
    tokensPerKw: tokensPerKw(prefill.tokensPerSPerChip, economics),
    ...(perDollar !== undefined ? { tokensPerDollar: perDollar } : {}),
  };
}

/**
 * A resolved prefill candidate at another prompt-token count per chip, without resolving the
 * document again: tokensPerChip enters a prefill plan only as its value (deploy/plan.ts; the
 * operating-point check asks only that it is there). Undefined (resolve the document) when the
 * plan has pipeline stages or offload, whose plans derive from it.
 */
function withPrefillTokens(template: Scenario, tokensPerChip: number): Scenario | undefined {
  const plan = template.deployment.prefill;
  const group = template.document.deployment.prefill;
  if (plan === undefined || group === undefined || plan.pipeline !== undefined || plan.offload !== undefined)
    return undefined;
  return {
    ...template,
    deployment: { ...template.deployment, prefill: { ...plan, tokensPerChip } },
    document: {
      ...template.document,
      deployment: { ...template.document.deployment, prefill: { ...group, tokensPerChip } },
    },
  };
}
