/**
 * `searchDeployments`: enumerate the deployments of a base scenario's searched group
 * (`search-space.ts`), resolve each as a real scenario (the base document plus `--set`-style
 * overrides, validated and resolved like a file), estimate it with the step model, and rank the
 * ones that meet the latency SLOs by decode tokens/s per chip. What does not divide or fit is
 * pruned and counted per reason. Work shared across candidates: the document is read once; a
 * layout that does not divide is pruned once for all its batches; once a batch does not fit in
 * HBM, the larger batches of that layout are pruned without resolving them (memory grows with
 * the batch); a decode search estimates the (unchanged) prefill group once, for the TTFT.
 */
import type { InstanceRole } from "../deploy/plan.ts";
import { type ParseScenarioOptions, parseScenarioSource, type Scenario } from "../deploy/scenario.ts";
import type { ScenarioCatalog } from "../deploy/scenario-resolve.ts";
import { type EnergyInputs, energyInputs } from "../energy/energy-inputs.ts";
import { type Estimate, estimate } from "../perf/step-estimate.ts";
import { SupernodeError } from "../spec/errors.ts";
import type { SourceDocument } from "../spec/parse-document.ts";
import type { ScenarioOverride } from "../spec/scenario-overrides.ts";
import { chunkPerChip, type RequestShape } from "./chunked-step.ts";
import {
  type PointEconomics,
  type RankBy,
  rankValue,
  stepEconomics,
  tokensPerDollar,
  tokensPerKw,
} from "./point-economics.ts";
import { chipSupports, isSearchDtype } from "./precision-choices.ts";
import { pruneReason } from "./prune-reason.ts";
import { chunkedFigures, decodeFigures, type Figures } from "./search-figures.ts";
import {
  type Candidate,
  type CandidateContext,
  candidateEp,
  candidateLabel,
  candidateOverrides,
  defaultSearchSpace,
  layouts,
  type SearchSpace,
  spaceSize,
} from "./search-space.ts";

/** Latency targets; a point that misses one is evaluated (and on the frontier) but not ranked. */
export interface Slo {
  readonly tpotS?: number;
  readonly ttftS?: number;
}

export interface SearchPoint {
  readonly candidate: Candidate;
  readonly label: string;
  /** The overrides that make the base document this deployment (`--set` form). */
  readonly overrides: readonly ScenarioOverride[];
  readonly tpotS: number;
  readonly ttftS?: number;
  readonly tokensPerSPerChip: number;
  /** 1 / TPOT: output tokens per second each sequence sees. */
  readonly tokensPerSPerUser: number;
  readonly memoryPerChipBytes: number;
  readonly meetsSlo: boolean;
  /** Seconds of one decode (or chunked colocated) iteration. */
  readonly stepS: number;
  /** Facility power and cost per chip at this load (energy layer). */
  readonly economics: PointEconomics;
  /** Output tokens/s per kW of facility power. */
  readonly tokensPerKw: number;
  /** Output tokens per dollar of TCO (undefined: no system price in the data). */
  readonly tokensPerDollar?: number;
  /** Chunked colocated serving: prompt tokens per chip chunked into each iteration. */
  readonly chunkTokensPerChip?: number;
}

export interface SearchResult {
  readonly space: SearchSpace;
  /** Candidates in the space (layouts × batches). */
  readonly total: number;
  /** Candidates resolved and estimated by the step model. */
  readonly evaluated: number;
  /** Candidates pruned, per reason (does not divide, does not fit, invalid). */
  readonly pruned: Readonly<Record<string, number>>;
  /** Evaluated candidates that missed an SLO, per SLO. */
  readonly sloMisses: { readonly tpot: number; readonly ttft: number };
  /** Every evaluated point, in enumeration order. */
  readonly points: readonly SearchPoint[];
  /** The points that meet the SLOs, best first by `rankBy`. */
  readonly ranked: readonly SearchPoint[];
  readonly rankBy: RankBy;
  /** The base scenario as written, estimated, for comparison. */
  readonly base: { readonly tpotS: number; readonly tokensPerSPerChip: number; readonly ttftS?: number };
  /** True when `shouldStop` ended the search early (the result is the best so far). */
  readonly stopped: boolean;
}

export interface SearchOptions {
  readonly catalog?: ScenarioCatalog;
  /** How the base scenario was read (model config files, dtype mapping); every candidate reads the same. */
  readonly parseOptions?: Omit<ParseScenarioOptions, "overrides">;
  readonly space?: SearchSpace;
  readonly slo?: Slo;
  /** Called every `progressEvery` candidates with the candidates done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** Polled between layouts; true ends the search with what it has (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /** What the ranking maximizes (default tokens/s per chip). */
  readonly rankBy?: RankBy;
  /**
   * Colocated groups only: serve this request shape with chunked prefill in every iteration
   * (`chunked-step.ts`); TPOT, TTFT and tokens/s per chip are those of the steady state.
   */
  readonly chunked?: RequestShape;
}

/**
 * Searches the deployments of the base scenario's decode (else colocated) group.
 * @example const r = searchDeployments(readSourceDocument(text, file), base, { slo: { tpotS: 0.05 } }); r.ranked[0]?.label
 */
export function searchDeployments(
  doc: SourceDocument,
  base: Scenario,
  options: SearchOptions = {},
): SearchResult {
  if (base.offline !== undefined)
    throw new SupernodeError(
      "usage",
      "search ranks decode deployments under latency SLOs; this scenario has an offline section (estimate searches its batch) — remove it",
      { file: base.fileName },
    );
  const space = options.space ?? defaultSearchSpace(base);
  const baseEstimate = estimateAsWritten(base);
  const ctx = candidateContext(base, space);
  const energy = energyInputs(base.system, base.document.power, base.document.cost, base.fileName);
  const chip = base.system.node.accelerator.chip;
  if (options.chunked !== undefined && space.role !== "colocated")
    throw new SupernodeError("usage", "chunked prefill is searched on a colocated group", {
      file: base.fileName,
    });
  // A decode search leaves the prefill pool as written: its TTFT is the base's, estimated once.
  const fixedTtftS = space.role === "decode" ? baseEstimate?.ttftS : undefined;
  const total = spaceSize(space);
  const slo = options.slo ?? {};
  const pruned: Record<string, number> = {};
  const prune = (reason: string, n = 1) => {
    pruned[reason] = (pruned[reason] ?? 0) + n;
  };
  const points: SearchPoint[] = [];
  const sloMisses = { tpot: 0, ttft: 0 };
  let done = 0;
  let stopped = false;
  const every = options.progressEvery ?? 200;
  let nextReport = every;
  for (const layout of layouts(space)) {
    if (options.shouldStop?.() === true) {
      stopped = true;
      break;
    }
    const batches = space.batchPerChip;
    const ep = candidateEp(layout, ctx.ranksPerChip);
    const precision = layout.precision;
    if (precision !== undefined && isSearchDtype(precision) && !chipSupports(chip, precision)) {
      prune(`precision not supported by the chip: ${precision}`, batches.length);
      done += batches.length;
      continue;
    }
    if (ctx.experts !== undefined && !Number.isInteger(ep)) {
      prune("does not divide: moe.tp (MoE TP does not divide the ranks)", batches.length);
      done += batches.length;
      continue;
    }
    // The layout is resolved once; its other batches reuse the resolution (`withBatch`).
    let template: Scenario | undefined;
    for (let i = 0; i < batches.length; i++) {
      const candidate: Candidate = { ...layout, batchPerChip: batches[i] as number };
      const outcome = evaluate(doc, options, candidate, ctx, slo, fixedTtftS, energy, template);
      if (outcome.kind === "point") template ??= outcome.scenario;
      done++;
      if (outcome.kind === "point") {
        points.push(outcome.point);
        if (outcome.missTpot) sloMisses.tpot++;
        if (outcome.missTtft) sloMisses.ttft++;
        continue;
      }
      const rest = outcome.layoutWide || outcome.reason.startsWith("does not fit") ? batches.length - i : 1;
      prune(outcome.reason, rest);
      done += rest - 1;
      if (rest > 1) break;
    }
    if (options.onProgress !== undefined && done >= nextReport) {
      options.onProgress(done, total);
      nextReport = done + every;
    }
  }
  const rankBy = options.rankBy ?? "tokens-per-chip";
  const ranked = points.filter((p) => p.meetsSlo).sort((a, b) => rankValue(b, rankBy) - rankValue(a, rankBy));
  return {
    space,
    total,
    evaluated: points.length,
    pruned,
    sloMisses,
    points,
    ranked,
    rankBy,
    base: {
      tpotS: baseEstimate?.tpotS ?? Number.NaN,
      tokensPerSPerChip: baseEstimate?.decodeTokensPerSPerChip ?? 0,
      ...(baseEstimate?.ttftS !== undefined ? { ttftS: baseEstimate.ttftS } : {}),
    },
    stopped,
  };
}

/** The base scenario as written, estimated; undefined when it does not fit or divide (the search still runs). */
function estimateAsWritten(base: Scenario): Estimate | undefined {
  try {
    return estimate(base);
  } catch (error) {
    if (error instanceof SupernodeError && error.kind === "infeasible") return undefined;
    throw error;
  }
}

function candidateContext(base: Scenario, space: SearchSpace): CandidateContext {
  const chip = base.system.node.accelerator.chip;
  const moe = base.model.moe;
  const written = base.document.deployment[space.role]?.microbatchOverlap;
  return {
    role: space.role,
    ranksPerChip: chip.diesAreDevices ? chip.dies.value : 1,
    ...(moe !== undefined ? { experts: { routed: moe.numRoutedExperts, shared: moe.numSharedExperts } } : {}),
    ...(space.mtpAcceptanceRate !== undefined ? { mtpAcceptanceRate: space.mtpAcceptanceRate } : {}),
    overlap: typeof written === "object" && written !== null ? { ...written } : {},
    precisionSections: Object.fromEntries(
      (space.precisions ?? []).flatMap((p) => (p.section !== undefined ? [[p.id, p.section]] : [])),
    ),
  };
}

type Outcome =
  | { kind: "point"; point: SearchPoint; missTpot: boolean; missTtft: boolean; scenario: Scenario }
  | { kind: "pruned"; reason: string; layoutWide: boolean };

function evaluate(
  doc: SourceDocument,
  options: SearchOptions,
  candidate: Candidate,
  ctx: CandidateContext,
  slo: Slo,
  fixedTtftS: number | undefined,
  energy: EnergyInputs,
  template?: Scenario,
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
      parseScenarioSource(doc, options.catalog, { ...options.parseOptions, overrides: decodeOnly });
  } catch (error) {
    return { kind: "pruned", ...pruneReason(error, "resolve") };
  }
  let figures: Figures;
  try {
    figures = shape !== undefined ? chunkedFigures(scenario, shape) : decodeFigures(scenario, fixedTtftS);
  } catch (error) {
    return { kind: "pruned", ...pruneReason(error, "estimate") };
  }
  if (figures === undefined) return { kind: "pruned", reason: "no decode estimate", layoutWide: true };
  const missTpot = slo.tpotS !== undefined && figures.tpotS > slo.tpotS;
  const ttftS = figures.ttftS;
  const missTtft = slo.ttftS !== undefined && ttftS !== undefined && ttftS > slo.ttftS;
  const economics = stepEconomics(energy, figures.timeByBound, figures.stepS);
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
