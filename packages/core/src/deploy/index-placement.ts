/**
 * Expert placement by index, as engines do when no load balancer runs (SGLang without
 * `--enable-eplb` / `--init-expert-location`, TensorRT-LLM without its MoE load balancer): rank k
 * holds experts k·n/R … (k+1)·n/R − 1, whatever their popularity. Which experts are popular is not
 * tied to their index, so the placement is taken as a random assignment of the popularity to the
 * experts: the expected rank loads, sorted, are averaged over `trials` permutations drawn from a
 * fixed-seed generator (the same answer on every run). The average of the sorted loads keeps the
 * expected hottest rank: its first entry is E[max over ranks] of the expected loads.
 */
import { SupernodeError } from "../spec/index.ts";
import { meanSortedRankLoads, type SortedRankLoads } from "./shuffled-trials.ts";

/** Expected loads of the ranks, hottest first, and the hottest ÷ the mean. */
export type IndexPlacement = SortedRankLoads;

const DEFAULT_TRIALS = 2000;

/**
 * Place `loads.length` experts on `ranks` ranks by index, averaged over random orders of the loads.
 * @example placeByIndex([1, 1, 1, 1], 2).maxOverMean === 1
 */
export function placeByIndex(
  loads: readonly number[],
  ranks: number,
  trials = DEFAULT_TRIALS,
): IndexPlacement {
  const n = loads.length;
  const r = Math.max(1, Math.floor(ranks));
  if (n % r !== 0)
    throw new SupernodeError(
      "invalid-value",
      `placement by index needs the ${n} routed experts to divide evenly over the ${r} ranks`,
      { fieldPath: ["deployment", "moe", "ep"] },
    );
  const perRank = n / r;
  const sums = new Array<number>(r).fill(0);
  return meanSortedRankLoads(loads, trials, r, (order) => {
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(i / perRank);
      sums[k] = (sums[k] ?? 0) + (order[i] ?? 0);
    }
    return sums;
  });
}
