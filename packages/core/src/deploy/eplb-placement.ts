/**
 * Expert placement as DeepSeek's open-source load balancer does it (github.com/deepseek-ai/EPLB,
 * `eplb.py`, global policy; our own implementation):
 * 1. replication: each redundant slot goes, one at a time, to the expert whose load per replica is
 *    currently the largest (its replicas share its load equally);
 * 2. packing: replicas are taken heaviest first and each is put on the least-loaded rank that still
 *    has a free slot (every rank holds the same number of slots).
 * DeepSeek's code uses this global policy when the expert groups do not divide evenly into the
 * nodes; its hierarchical policy (groups packed onto nodes first) is eplb-hierarchical.ts.
 */

/** Where the experts' expected load ends up. */
export interface EplbPlacement {
  /** Replicas of each expert (same order as the loads given). */
  readonly replicas: readonly number[];
  /** Expected load share of each rank (sums to the total load given). */
  readonly rankLoads: readonly number[];
  /** Hottest rank's expected load ÷ the mean over ranks (≥ 1). */
  readonly maxOverMean: number;
}

/**
 * Replicate experts into `redundantSlots` extra slots and pack all replicas onto `ranks` ranks.
 * Slots that do not divide evenly leave the last ranks one short.
 * @example placeExperts([1, 1, 1, 1], 0, 2).maxOverMean === 1
 * @example placeExperts([3, 1, 1, 1], 2, 4).replicas // [3, 1, 1, 1]
 */
export function placeExperts(loads: readonly number[], redundantSlots: number, ranks: number): EplbPlacement {
  const n = loads.length;
  const replicas = new Array<number>(n).fill(1);
  // Each expert's load per replica, kept up to date (the division the scan would repeat).
  const perReplica = new Float64Array(n);
  for (let i = 0; i < n; i++) perReplica[i] = loads[i] ?? 0;
  for (let c = 0; c < redundantSlots; c++) {
    let hottest = 0;
    for (let i = 1; i < n; i++) if ((perReplica[i] ?? 0) > (perReplica[hottest] ?? 0)) hottest = i;
    replicas[hottest] = (replicas[hottest] ?? 1) + 1;
    perReplica[hottest] = (loads[hottest] ?? 0) / (replicas[hottest] ?? 1);
  }
  let slotCount = 0;
  for (let i = 0; i < n; i++) slotCount += replicas[i] ?? 1;
  // Every replica's load, ascending (a numeric sort of a typed array), taken heaviest first below.
  const slots = new Float64Array(slotCount);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const k = replicas[i] ?? 1;
    for (let c = 0; c < k; c++) slots[at++] = (loads[i] ?? 0) / k;
  }
  slots.sort();
  const r = Math.max(1, Math.floor(ranks));
  const perRank = Math.ceil(slotCount / r);
  const rankLoads = new Array<number>(r).fill(0);
  const used = new Array<number>(r).fill(0);
  for (let s = slotCount - 1; s >= 0; s--) {
    let best = -1;
    for (let k = 0; k < r; k++) {
      if ((used[k] ?? 0) >= perRank) continue;
      if (best < 0 || (rankLoads[k] ?? 0) < (rankLoads[best] ?? 0)) best = k;
    }
    if (best < 0) break;
    rankLoads[best] = (rankLoads[best] ?? 0) + (slots[s] ?? 0);
    used[best] = (used[best] ?? 0) + 1;
  }
  let total = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const load of rankLoads) {
    total += load;
    max = Math.max(max, load);
  }
  return { replicas, rankLoads, maxOverMean: total > 0 ? Math.max(1, (max * r) / total) : 1 };
}
