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
import { type Scenario, type ScenarioSource, scenarioSource } from "../deploy/index.ts";
import { type EnergyInputs, energyInputs } from "../energy/index.ts";
import type { Chip } from "../hardware/index.ts";
import { type Estimate, estimate } from "../perf/index.ts";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { RequestShape } from "./chunked-step.ts";
import { rankValue } from "./point-economics.ts";
import { chipSupports, isSearchDtype } from "./precision-choices.ts";
import { feedLimited, fixedPrefill, type PrefillFeed, workloadShape } from "./prefill-feed.ts";
import { evaluateCandidate } from "./search-evaluate.ts";
import {
  type Candidate,
  type CandidateContext,
  candidateEp,
  defaultSearchSpace,
  type Layout,
  layouts,
  type SearchSpace,
  spaceSize,
} from "./search-space.ts";
import type { SearchOptions, SearchPoint, SearchResult, Slo } from "./search-types.ts";

export type { SearchOptions, SearchPoint, SearchResult, Slo } from "./search-types.ts";

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
  // A decode search leaves the prefill pool as written: its TTFT (and, at a known request shape,
  // the rate at which it feeds the decode pool) are computed once.
  const fixed = space.role === "decode" ? fixedPrefill(doc, base, baseEstimate?.ttftS, options) : {};
  const decodeInstances = base.deployment.decode?.instances ?? 1;
  const total = spaceSize(space);
  const run: LayoutRun = {
    source: scenarioSource(doc),
    options,
    ctx,
    slo: options.slo ?? {},
    fixedTtftS: fixed.ttftS,
    feed: fixed.feed,
    decodeInstances,
    energy,
    chip,
    batches: space.batchPerChip,
    kvShape:
      options.chunked ??
      options.kvFitShape ??
      (options.prefillFeed === false ? undefined : options.prefillFeed) ??
      workloadShape(base),
  };
  const tally: Tally = { points: [], pruned: {}, sloMisses: { tpot: 0, ttft: 0 } };
  const stopped = searchLayouts(space, run, tally, total);
  const { points, pruned, sloMisses } = tally;
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
      tokensPerSPerChip: fedRate(baseEstimate?.decodeTokensPerSPerChip ?? 0, fixed.feed, base),
      ...(baseEstimate?.ttftS !== undefined ? { ttftS: fixed.ttftS ?? baseEstimate.ttftS } : {}),
    },
    stopped,
    ...(fixed.feed !== undefined ? { prefillFeed: fixed.feed } : {}),
  };
}

/**
 * Searches every layout of `space` into `tally`, reporting progress; true when `shouldStop` ended
 * it early.
 */
function searchLayouts(space: SearchSpace, run: LayoutRun, tally: Tally, total: number): boolean {
  const { options } = run;
  let done = 0;
  const every = options.progressEvery ?? 200;
  let nextReport = every;
  for (const layout of layouts(space)) {
    if (options.shouldStop?.() === true) return true;
    const settled = searchLayout(layout, run, tally);
    done += settled.candidates;
    // (as before the split: a layout ruled out whole does not trigger a progress report)
    if (settled.resolved && options.onProgress !== undefined && done >= nextReport) {
      options.onProgress(done, total);
      nextReport = done + every;
    }
  }
  return false;
}

/** What every layout of one search shares. */
interface LayoutRun {
  /** The base document, validated once (candidates validate only their deployment). */
  readonly source: ScenarioSource;
  readonly options: SearchOptions;
  readonly ctx: CandidateContext;
  readonly slo: Slo;
  readonly fixedTtftS: number | undefined;
  /** Decode search beside a fixed prefill pool: what it feeds, and the decode instances (as written). */
  readonly feed: PrefillFeed | undefined;
  readonly decodeInstances: number;
  readonly energy: EnergyInputs;
  readonly chip: Chip;
  readonly batches: readonly number[];
  /** The request shape whose full-length KV a batch must hold (`kv-fit.ts`). */
  readonly kvShape: RequestShape | undefined;
}

/** What the search has gathered so far: points in enumeration order, prunes per reason, SLO misses. */
interface Tally {
  readonly points: SearchPoint[];
  readonly pruned: Record<string, number>;
  readonly sloMisses: { tpot: number; ttft: number };
}

function prune(tally: Tally, reason: string, n = 1): void {
  tally.pruned[reason] = (tally.pruned[reason] ?? 0) + n;
}

/**
 * Evaluates the batches of one layout in order; returns how many candidates it settled. A layout
 * the chip or the experts rule out is pruned whole; once a batch does not fit (or the layout does
 * not divide), the larger batches are pruned without resolving them. `resolved`: false when the
 * layout was ruled out whole, before any candidate was resolved.
 */
function searchLayout(
  layout: Layout,
  run: LayoutRun,
  tally: Tally,
): { readonly candidates: number; readonly resolved: boolean } {
  const { batches, ctx } = run;
  const ep = candidateEp(layout, ctx.ranksPerChip);
  const precision = layout.precision;
  if (precision !== undefined && isSearchDtype(precision) && !chipSupports(run.chip, precision)) {
    prune(tally, `precision not supported by the chip: ${precision}`, batches.length);
    return { candidates: batches.length, resolved: false };
  }
  if (ctx.experts !== undefined && !Number.isInteger(ep)) {
    prune(tally, "does not divide: moe.tp (MoE TP does not divide the ranks)", batches.length);
    return { candidates: batches.length, resolved: false };
  }
  let done = 0;
  // The layout is resolved once; its other batches reuse the resolution (`withBatch`).
  let template: Scenario | undefined;
  for (let i = 0; i < batches.length; i++) {
    const candidate: Candidate = { ...layout, batchPerChip: batches[i] as number };
    const outcome = evaluateCandidate(
      run.source,
      run.options,
      candidate,
      ctx,
      run.slo,
      run.fixedTtftS,
      run.energy,
      template,
      run.kvShape,
    );
    if (outcome.kind === "point") template ??= outcome.scenario;
    done++;
    if (outcome.kind === "point") {
      const chips = candidate.chipsPerInstance * run.decodeInstances;
      tally.points.push(run.feed !== undefined ? feedLimited(outcome.point, run.feed, chips) : outcome.point);
      if (outcome.missTpot) tally.sloMisses.tpot++;
      if (outcome.missTtft) tally.sloMisses.ttft++;
      continue;
    }
    const rest = outcome.layoutWide || outcome.reason.startsWith("does not fit") ? batches.length - i : 1;
    prune(tally, outcome.reason, rest);
    done += rest - 1;
    if (rest > 1) break;
  }
  return { candidates: done, resolved: true };
}

/** The base deployment's decode tokens/s per chip, at most what the prefill pool feeds. */
function fedRate(decodeTokensPerSPerChip: number, feed: PrefillFeed | undefined, base: Scenario): number {
  const decode = base.deployment.decode;
  if (feed === undefined || decode === undefined) return decodeTokensPerSPerChip;
  return Math.min(
    decodeTokensPerSPerChip,
    feed.outputTokensPerS / (decode.instances * decode.chipsPerInstance),
  );
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
