/**
 * Where a token's top-k experts live: the expected number of distinct ranks and servers one token
 * is sent to, from the routing (experts, top-k, DeepSeek's group-limited routing) and the placement
 * (experts spread evenly and in order over the EP ranks, ranks packed into servers).
 *
 * Libraries that send one copy per destination rank (DeepEP normal kernels, per `is_token_in_rank`)
 * or one copy per destination server over RDMA and fan it out over NVLink inside the server (DeepEP
 * internode normal kernels) move these counts of copies, not top-k.
 *
 * Model of the routing: a token picks `topKGroups` of `groups` equal expert groups uniformly, then
 * `topK` distinct experts uniformly among those groups' experts (what independent, identically
 * distributed scores give; DeepEP's own benchmark draws them so). Expected distinct units (ranks or
 * servers) = Σ_units P(unit hit), P(unit hit | groups S) = 1 − C(A − e, k) / C(A, k), with A the
 * experts of S and e those of S on the unit; averaged over the C(groups, topKGroups) choices of S.
 */
import { BoundedMemo } from "../spec/index.ts";

export interface MoeRouting {
  /** Routed experts spread over the EP ranks (redundant copies do not change where a token goes). */
  readonly experts: number;
  /** Expert groups (DeepSeek `n_group`); 1 = no group limit. */
  readonly groups: number;
  /** Groups one token may use (DeepSeek `topk_group`). */
  readonly topKGroups: number;
}

export interface MoeDestinations {
  /** Distinct ranks holding at least one of a token's experts (own rank included). */
  readonly ranksPerToken: number;
  /** Distinct servers holding at least one of them (own server included). */
  readonly serversPerToken: number;
  /** Distinct ranks other than the sender's own, mean over senders. */
  readonly remoteRanksPerToken: number;
  /** Distinct servers other than the sender's own, mean over senders. */
  readonly remoteServersPerToken: number;
}

/** Above this many group choices the group limit is ignored (no such model is known). */
const MAX_GROUP_CHOICES = 20_000;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/** P(none of k distinct picks among `all` lands in a unit holding `inUnit` of them). */
function missProbability(all: number, inUnit: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) {
    const f = (all - inUnit - i) / (all - i);
    if (f <= 0) return 0;
    p *= f;
  }
  return p;
}

/** Σ over units of P(unit hit), for units of `unitExperts` consecutive experts. */
function expectedUnits(routing: MoeRouting, topK: number, units: number, unitExperts: number): number {
  const { experts } = routing;
  const grouped = routing.groups > 1 && routing.topKGroups < routing.groups;
  const groups =
    grouped && choose(routing.groups, routing.topKGroups) <= MAX_GROUP_CHOICES ? routing.groups : 1;
  const pick = groups > 1 ? routing.topKGroups : 1;
  const groupSize = experts / groups;
  const k = Math.min(topK, Math.round(pick * groupSize));
  let sum = 0;
  let choices = 0;
  const chosen: number[] = [];
  const visit = (start: number): void => {
    if (chosen.length === pick) {
      const all = pick * groupSize;
      for (let u = 0; u < units; u++) {
        const u0 = u * unitExperts;
        const u1 = u0 + unitExperts;
        let inUnit = 0;
        for (const g of chosen) inUnit += overlap(g * groupSize, (g + 1) * groupSize, u0, u1);
        if (inUnit > 0) sum += 1 - missProbability(all, inUnit, k);
      }
      choices++;
      return;
    }
    for (let g = start; g < groups; g++) {
      chosen.push(g);
      visit(g + 1);
      chosen.pop();
    }
  };
  visit(0);
  return choices > 0 ? sum / choices : 0;
}

/**
 * Expected destinations of one token among `ranks` EP ranks packed `ranksPerServer` to a server.
 * @example expectedDestinations({ experts: 256, groups: 8, topKGroups: 4 }, 8, 32, 8).remoteServersPerToken // ≈ 2.2
 */
export function expectedDestinations(
  routing: MoeRouting,
  topK: number,
  ranks: number,
  ranksPerServer: number,
): MoeDestinations {
  const key = `${routing.experts}|${routing.groups}|${routing.topKGroups}|${topK}|${ranks}|${ranksPerServer}`;
  return memo.get(key, () => compute(routing, topK, ranks, ranksPerServer));
}

const memo = new BoundedMemo<MoeDestinations>(1_000);

function compute(routing: MoeRouting, topK: number, ranks: number, ranksPerServer: number): MoeDestinations {
  const perRank = routing.experts / ranks;
  const servers = Math.ceil(ranks / ranksPerServer);
  const perServer = routing.experts / servers;
  const ranksPerToken = expectedUnits(routing, topK, ranks, perRank);
  const serversPerToken = expectedUnits(routing, topK, servers, perServer);
  return {
    ranksPerToken,
    serversPerToken,
    remoteRanksPerToken: (ranksPerToken * (ranks - 1)) / ranks,
    remoteServersPerToken: (serversPerToken * (servers - 1)) / servers,
  };
}
