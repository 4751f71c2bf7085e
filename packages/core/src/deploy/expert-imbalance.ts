/**
 * Expert-load imbalance: how many routed-expert tokens the hottest rank gets, relative to the mean.
 * The step time is set by the slowest rank, so expert GEMMs (and the tokens a rank receives in
 * dispatch) scale with this factor. It is an input (a factor, or `balanced`), or derived from a
 * routing distribution:
 * - `uniform-random`: each token's experts are drawn uniformly (EPLB balanced the expected loads;
 *   what remains is sampling noise): the expected maximum of R equal-share loads that add up to the
 *   step's N assignments, k distinct experts a token (expert-imbalance-max.ts: exact multinomial at
 *   small N, the Gaussian with E[max of R normals] beyond).
 * - `zipf`: expert popularity ∝ 1/i^s, EPLB placement (eplb-placement.ts: each redundant copy
 *   goes to the expert with the largest load per copy; slots heaviest first onto the least-loaded
 *   rank with a free slot); the expected loads only, no sampling noise.
 * - `measured-skew`: popularity fitted to a published expert-load statistic (expert-popularity.ts),
 *   EPLB placement (eplb-placement.ts; its hierarchical policy, eplb-hierarchical.ts, where the
 *   engine packs expert groups onto nodes first) or placement by index where the engine balances
 *   nothing (index-placement.ts), and the expected hottest rank including the binomial sampling
 *   noise at the step's assignment count (expert-imbalance-max.ts).
 */

import { BoundedMemo, type ExpertImbalanceSpec, SupernodeError } from "../spec/index.ts";
import { domainLoads, railImbalance } from "./domain-imbalance.ts";
import { placeExpertsHierarchical } from "./eplb-hierarchical.ts";
import { type EplbPlacement, placeExperts } from "./eplb-placement.ts";
import { type DistinctPicks, expectedMaxLoadFactor } from "./expert-imbalance-max.ts";
import { expertLoadSkewProfile, fitExpertPopularity } from "./expert-popularity.ts";
import { placeByIndex } from "./index-placement.ts";

export interface ImbalanceContext {
  /** Routed (token, expert) assignments in one microbatch across the instance: tokens × top-k. */
  readonly routedAssignments: number;
  /** Ranks holding routed experts. */
  readonly ranks: number;
  /** Distinct routed experts. */
  readonly routedExperts: number;
  /** Extra copies of hot experts (EPLB). */
  readonly redundantExperts: number;
  /** Expert groups of the model (group-limited routing; 1 without). Needed by `eplb-hierarchical`. */
  readonly expertGroups?: number;
  /** Nodes (hosts) the instance spans. Needed by `eplb-hierarchical`. */
  readonly nodes?: number;
  /** Experts a token picks (top-k); with `ranksPerDomain`, gives `ImbalanceResult.railFactor`. */
  readonly topK?: number;
  /** Ranks per scale-up (NVLink) domain, packed from rank 0; with `topK`, gives `railFactor`. */
  readonly ranksPerDomain?: number;
}

type PlacementKind = "eplb" | "eplb-hierarchical" | "by-index";

export interface ImbalanceResult {
  /** Hottest rank's routed-expert tokens ÷ the mean over ranks (≥ 1). */
  readonly factor: number;
  /** How the factor was obtained. */
  readonly basis: string;
  /**
   * Tokens the hottest scale-up domain receives (one copy per token that picks any of its experts)
   * ÷ the same under uniform routing (domain-imbalance.ts): what a NIC receives where kernels send
   * one copy per destination domain to the same-index rank, which forwards it inside the domain
   * (DeepEP normal kernels across nodes). Absent where the placement gives no domain loads (then
   * `factor` stands for it).
   */
  readonly railFactor?: number;
}

/**
 * The imbalance factor for a spec.
 * @example expertImbalanceFactor("balanced", ctx).factor === 1
 * @example expertImbalanceFactor({ distribution: "uniform-random" }, { routedAssignments: 1e6, ranks: 32, routedExperts: 256, redundantExperts: 0 }).factor // ≈ 1.012
 */
export function expertImbalanceFactor(spec: ExpertImbalanceSpec, ctx: ImbalanceContext): ImbalanceResult {
  if (spec === "balanced") return { factor: 1, basis: "perfectly balanced routing" };
  if (typeof spec === "number") return { factor: spec, basis: "factor given in the scenario" };
  switch (spec.distribution) {
    case "uniform-random":
      return withRail(
        {
          factor: uniformRandomFactor(ctx),
          basis:
            "uniform random routing (expected maximum of the ranks' loads, which add up to the step's assignments)",
        },
        ctx,
        (domains) => uniformRandomFactor({ ...ctx, ranks: domains }),
      );
    case "zipf": {
      const placed = zipfPlacement(spec.exponent, ctx);
      return withRail(
        { factor: placed.maxOverMean, basis: `Zipf(${spec.exponent}) expert popularity, EPLB placement` },
        ctx,
        (domains) => {
          const d = domainLoads(placed.rankLoads, domains);
          return d === undefined ? undefined : (Math.max(...d) * domains) / d.reduce((a, b) => a + b, 0);
        },
      );
    }
    case "measured-skew":
      return measuredSkewResult(spec.profile, spec.placement, ctx);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** Keyed by the batch's routed assignments: bounded for long sweeps and web sessions. */
const uniformCache = new BoundedMemo<number>(10_000);

function uniformRandomFactor(ctx: ImbalanceContext): number {
  const r = ctx.ranks;
  if (r <= 1 || ctx.routedAssignments <= 0) return 1;
  const key = `${r}|${ctx.routedAssignments}|${ctx.topK}|${ctx.routedExperts}`;
  return uniformCache.get(key, () =>
    expectedMaxLoadFactor(new Array<number>(r).fill(1), ctx.routedAssignments, distinctPicks(ctx)),
  );
}

/** A token's k experts are distinct (top-k of the router), where the context says how many of how many. */
function distinctPicks(ctx: ImbalanceContext): DistinctPicks | undefined {
  const k = ctx.topK;
  const e = ctx.routedExperts;
  return k !== undefined && k >= 1 && e >= k ? { topK: k, experts: e } : undefined;
}

function zipfPlacement(
  exponent: number,
  ctx: ImbalanceContext,
): Pick<EplbPlacement, "rankLoads" | "maxOverMean"> {
  if (ctx.ranks <= 1 || ctx.routedExperts <= 0) return { rankLoads: [1], maxOverMean: 1 };
  const popularity = Array.from({ length: ctx.routedExperts }, (_, i) => 1 / (i + 1) ** exponent);
  return placeExperts(popularity, ctx.redundantExperts, ctx.ranks);
}

/**
 * Add `railFactor` where the instance spans several scale-up domains: `domainMaxOverMean(domains)`
 * is the hottest domain's expected routed assignments ÷ the mean over domains (undefined: unknown).
 */
function withRail(
  result: ImbalanceResult,
  ctx: ImbalanceContext,
  domainMaxOverMean: (domains: number) => number | undefined,
): ImbalanceResult {
  const per = ctx.ranksPerDomain;
  const k = ctx.topK;
  if (per === undefined || k === undefined || !(per >= 1) || ctx.ranks <= per || ctx.ranks % per !== 0)
    return result;
  const domains = ctx.ranks / per;
  const f = domainMaxOverMean(domains);
  if (f === undefined || !Number.isFinite(f)) return result;
  const rail = Math.min(result.factor, railImbalance(f / domains, domains, k));
  return {
    ...result,
    railFactor: rail,
    basis: `${result.basis}; hottest of ${domains} domains: ×${f.toFixed(3)} of routed copies, ×${rail.toFixed(3)} of tokens received`,
  };
}

/** What the hottest-rank statistic needs of a placement (rank loads in rank order for `eplb`). */
type ExpectedRankLoads = Pick<EplbPlacement, "rankLoads" | "maxOverMean"> & {
  /** Hottest node's load ÷ the mean over nodes (hierarchical policy). */
  readonly nodeMaxOverMean?: number;
};

/** Placements by profile, placement kind and expert layout: they do not depend on the batch. */
const placementCache = new Map<string, ExpectedRankLoads>();
const measuredCache = new BoundedMemo<ImbalanceResult>(10_000);

/** Expert groups and nodes matter to the hierarchical policy only: the others share one entry across them. */
function layoutKey(placementKind: PlacementKind, ctx: ImbalanceContext): string {
  return placementKind === "eplb-hierarchical" ? `|${ctx.expertGroups}|${ctx.nodes}` : "";
}

/** The rail factor's inputs, in every key of a result that carries it. */
function railKey(ctx: ImbalanceContext): string {
  return `|${ctx.topK}|${ctx.ranksPerDomain}`;
}

function measuredPlacement(
  profileId: string,
  placementKind: PlacementKind,
  ctx: ImbalanceContext,
): ExpectedRankLoads {
  const key = `${profileId}|${placementKind}|${ctx.ranks}|${ctx.routedExperts}|${ctx.redundantExperts}${layoutKey(placementKind, ctx)}`;
  const hit = placementCache.get(key);
  if (hit !== undefined) return hit;
  const popularity = fitExpertPopularity(expertLoadSkewProfile(profileId), ctx.routedExperts);
  if (placementKind === "by-index" && ctx.redundantExperts > 0)
    throw new SupernodeError(
      "invalid-value",
      `placement by-index keeps one copy of each expert; remove the ${ctx.redundantExperts} redundant experts or use placement eplb`,
      { fieldPath: ["deployment", "expertImbalance", "placement"] },
    );
  const placement =
    placementKind === "by-index"
      ? placeByIndex(popularity.shares, ctx.ranks)
      : placementKind === "eplb-hierarchical"
        ? placeExpertsHierarchical(popularity.shares, {
            groups: ctx.expertGroups ?? 1,
            nodes: ctx.nodes ?? 1,
            redundantSlots: ctx.redundantExperts,
            ranks: ctx.ranks,
          })
        : placeExperts(popularity.shares, ctx.redundantExperts, ctx.ranks);
  placementCache.set(key, placement);
  return placement;
}

/**
 * The hottest domain's expected routed copies ÷ the mean, with sampling noise: global EPLB's ranks
 * are in rank order (domains are consecutive blocks); the hierarchical policy's nodes are the
 * domains when they coincide; placement by index keeps sorted averages only (unknown).
 */
function measuredDomainMaxOverMean(
  placementKind: PlacementKind,
  placement: ExpectedRankLoads,
  domains: number,
  ctx: ImbalanceContext,
): number | undefined {
  if (placementKind === "eplb") {
    const d = domainLoads(placement.rankLoads, domains);
    return d === undefined ? undefined : expectedMaxLoadFactor(d, ctx.routedAssignments, distinctPicks(ctx));
  }
  if (placementKind === "eplb-hierarchical" && ctx.nodes === domains) return placement.nodeMaxOverMean;
  return undefined;
}

function measuredSkewResult(
  profileId: string,
  placementKind: PlacementKind,
  ctx: ImbalanceContext,
): ImbalanceResult {
  const key = `${profileId}|${placementKind}|${ctx.routedAssignments}|${ctx.ranks}|${ctx.routedExperts}|${ctx.redundantExperts}${layoutKey(placementKind, ctx)}${railKey(ctx)}`;
  return measuredCache.get(key, () => measuredSkewUncached(profileId, placementKind, ctx));
}

function measuredSkewUncached(
  profileId: string,
  placementKind: PlacementKind,
  ctx: ImbalanceContext,
): ImbalanceResult {
  const profile = expertLoadSkewProfile(profileId);
  const placement = measuredPlacement(profileId, placementKind, ctx);
  const factor = expectedMaxLoadFactor(placement.rankLoads, ctx.routedAssignments, distinctPicks(ctx));
  const where =
    placementKind === "by-index"
      ? `experts placed by index over ${ctx.ranks} ranks (no load balancer)`
      : placementKind === "eplb-hierarchical"
        ? `hierarchical EPLB: ${ctx.expertGroups} expert groups packed onto ${ctx.nodes} nodes, then ${ctx.ranks} ranks + ${ctx.redundantExperts} redundant`
        : `EPLB over ${ctx.ranks} ranks + ${ctx.redundantExperts} redundant`;
  return withRail(
    {
      factor,
      basis:
        `popularity fitted to ${profile.id} (hottest ${profile.hottestOverMean}× mean, ` +
        `${profile.fractionAboveMean * 100} % of experts above mean), ${where} ` +
        `(expected loads ×${placement.maxOverMean.toFixed(3)}), sampling noise`,
    },
    ctx,
    (domains) => measuredDomainMaxOverMean(placementKind, placement, domains, ctx),
  );
}
