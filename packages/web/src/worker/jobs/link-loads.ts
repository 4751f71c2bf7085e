/**
 * Per-link utilisation of a collective on a system, from core's flow-level engine (max-min fair
 * sharing over the topology): bytes each link carried ÷ (its achievable capacity × the transfer
 * time), so 1 marks the bottleneck. When the engine solved one plane of identical parallel planes
 * (plane folding), the other planes get the same loads link for link.
 */
import {
  type CollectiveOp,
  type CollectiveResult,
  dispatchBytesPerToken,
  type FabricModel,
  flowCollective,
  LINK_TIERS,
  parseScenario,
  rankLoad,
  SupernodeError,
  simulateSchedule,
  type Topology,
} from "@supernode/core";
import { resolveRequest } from "../core-pending.ts";

export interface CollectiveLoad {
  readonly op: CollectiveOp;
  readonly bytes: number;
  readonly ranks: number;
}

/** The load of one tier of links (e.g. die to L1 switch, L1 to L2): how many, how busy. */
export interface TierLoad {
  readonly tier: string;
  /** Directed links of the tier. */
  readonly links: number;
  /** Links carrying any traffic. */
  readonly used: number;
  readonly maxUtilisation: number;
  /** Mean over the links that carry traffic. */
  readonly meanUsedUtilisation: number;
  readonly bytes: number;
}

export interface LinkLoadResult {
  /** Utilisation 0..1 per directed link id of the topology. */
  readonly utilisation: number[];
  /** Per tier, busiest first. */
  readonly byTier: readonly TierLoad[];
  readonly summary: Pick<
    CollectiveResult,
    | "op"
    | "algorithm"
    | "library"
    | "ranks"
    | "bytes"
    | "timeS"
    | "busBandwidthBytesPerS"
    | "bottleneck"
    | "loadedLinks"
  >;
}

/** Copies the loads of plane 0's links to the same-position links of every other plane. */
function unfoldPlanes(topology: Topology, perLink: Float64Array): void {
  const byPlane = new Map<number, number[]>();
  for (let l = 0; l < topology.linkCount; l++) {
    const p = topology.linkPlane[l] ?? -1;
    if (p < 0) continue;
    const list = byPlane.get(p) ?? [];
    list.push(l);
    byPlane.set(p, list);
  }
  const base = byPlane.get(0) ?? [];
  for (const [plane, links] of byPlane) {
    if (plane === 0 || links.length !== base.length) continue;
    links.forEach((l, k) => {
      const b = base[k];
      if (b !== undefined && (perLink[l] ?? 0) === 0) perLink[l] = perLink[b] ?? 0;
    });
  }
}

/** @example collectiveLinkLoads(fabricModel(cm384), { op: "all-to-all", bytes: 2 ** 26, ranks: 768 }).summary.timeS */
export function collectiveLinkLoads(model: FabricModel, load: CollectiveLoad): LinkLoadResult {
  const request = { op: load.op, bytes: load.bytes, ranks: load.ranks };
  const result = flowCollective(model, request);
  const outcome = simulateSchedule(model, resolveRequest(model, request));
  const topology = model.topology();
  const perLink = new Float64Array(topology.linkCount);
  if (outcome.transferS > 0)
    for (let l = 0; l < topology.linkCount; l++) {
      const cap = outcome.capacity[l] ?? 0;
      perLink[l] = cap > 0 ? Math.min(1, (outcome.carriedTotal[l] ?? 0) / cap / outcome.transferS) : 0;
    }
  if (outcome.folded) unfoldPlanes(topology, perLink);
  const tiers = new Map<string, { links: number; used: number; max: number; sum: number; bytes: number }>();
  for (let l = 0; l < topology.linkCount; l++) {
    const tier = LINK_TIERS[topology.linkTier[l] ?? 0] ?? "other";
    const t = tiers.get(tier) ?? { links: 0, used: 0, max: 0, sum: 0, bytes: 0 };
    const u = perLink[l] ?? 0;
    t.links++;
    if (u > 0) {
      t.used++;
      t.sum += u;
    }
    t.max = Math.max(t.max, u);
    // From the (unfolded) utilisation, so folded planes count as the plane they copy.
    t.bytes += u * (outcome.capacity[l] ?? 0) * outcome.transferS;
    tiers.set(tier, t);
  }
  const byTier = [...tiers]
    .filter(([, t]) => t.used > 0)
    .map(([tier, t]) => ({
      tier,
      links: t.links,
      used: t.used,
      maxUtilisation: t.max,
      meanUsedUtilisation: t.sum / t.used,
      bytes: t.bytes,
    }))
    .sort((a, b) => b.maxUtilisation - a.maxUtilisation || (a.tier < b.tier ? -1 : 1));
  return {
    utilisation: Array.from(perLink, (u) => Number(u.toFixed(4))),
    byTier,
    summary: {
      op: result.op,
      algorithm: result.algorithm,
      library: result.library,
      ranks: result.ranks,
      bytes: result.bytes,
      timeS: result.timeS,
      busBandwidthBytesPerS: result.busBandwidthBytesPerS,
      bottleneck: result.bottleneck,
      loadedLinks: result.loadedLinks,
    },
  };
}

/** One MoE layer's dispatch in a decode step of a scenario, as an all-to-all (uniform routing). */
export interface DecodeDispatch extends CollectiveLoad {
  readonly description: string;
}

/**
 * The dispatch of one MoE layer in the scenario's decode step: each EP rank sends its tokens ×
 * top-k copies, spread evenly over the EP ranks (balanced routing), in the dispatch format.
 * @example decodeDispatch(text, "decode.yaml").ranks // 320 on the CloudMatrix384 decode example
 */
export function decodeDispatch(text: string, fileName: string): DecodeDispatch {
  const scenario = parseScenario(text, fileName);
  const plan = scenario.deployment.decode ?? scenario.deployment.colocated;
  const moe = plan?.moe;
  if (plan === undefined || moe === undefined)
    throw new SupernodeError("unsupported", `${fileName} has no decode deployment of a MoE model`);
  const tokensPerRank = rankLoad(plan).tokensPerRank;
  const perToken = dispatchBytesPerToken(scenario.model, scenario.precision);
  const topK = scenario.model.moe?.topK ?? 0;
  return {
    op: "all-to-all",
    ranks: moe.ep,
    bytes: tokensPerRank * topK * perToken,
    description: `${tokensPerRank.toFixed(1)} tokens per rank × top-${topK} × ${perToken.toLocaleString("en-US")} bytes over EP${moe.ep}`,
  };
}
