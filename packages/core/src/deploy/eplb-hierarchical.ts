/**
 * Expert placement by DeepSeek's EPLB hierarchical policy (github.com/deepseek-ai/EPLB `eplb.py`,
 * `rebalance_experts_hierarchical`; our own implementation). DeepSeek's `rebalance_experts` uses it
 * whenever the model's expert groups divide evenly into the server nodes, and so does SGLang, which
 * runs a copy of that code with `num_nodes` = `--nnodes` (python/sglang/srt/managers/deepseek_eplb.py
 * of spring 2025; later eplb/eplb_algorithms/__init__.py `compute_algorithm`, `auto`):
 * 1. the expert groups are packed onto the nodes, heaviest group first onto the least-loaded node
 *    with a free place, the same number of groups on every node;
 * 2. inside each node its experts are replicated into the node's share of the slots and packed
 *    onto the node's ranks as the global policy does (eplb-placement.ts).
 * Load never moves between nodes: a node whose groups are hot stays hot, whatever the redundant
 * copies do. Which experts are popular is not tied to their group in the model, so the popularity
 * is dealt to the expert indices at random (groups are consecutive index blocks, as in DeepSeek-V3)
 * and the sorted rank loads are averaged over `trials` permutations from a fixed-seed generator
 * (the same answer on every run); the first entry is the expected hottest rank.
 */
import { SupernodeError } from "../spec/index.ts";
import { placeExperts } from "./eplb-placement.ts";
import { meanSortedRankLoads, type SortedRankLoads } from "./shuffled-trials.ts";

/** Expected loads of the ranks, hottest first, and the hottest ÷ the mean. */
export interface HierarchicalPlacement extends SortedRankLoads {
  /** Expected hottest node's load ÷ the mean over nodes (≥ 1). */
  readonly nodeMaxOverMean: number;
}

/** The instance's shape as the hierarchical policy sees it. */
export interface HierarchicalLayout {
  /** Expert groups of the model (DeepSeek-V3/R1: 8). */
  readonly groups: number;
  /** Nodes (hosts) the instance spans. */
  readonly nodes: number;
  /** Redundant expert slots over the whole instance. */
  readonly redundantSlots: number;
  /** Ranks holding routed experts. */
  readonly ranks: number;
}

const DEFAULT_TRIALS = 2000;

function refuse(detail: string): never {
  throw new SupernodeError("invalid-value", `placement eplb-hierarchical: ${detail}`, {
    fieldPath: ["deployment", "expertImbalance", "placement"],
  });
}

/** Indices of `items` packed onto `bins` bins, heaviest first onto the least-loaded bin with room. */
function balancedPacking(items: readonly number[], bins: number): number[][] {
  const perBin = items.length / bins;
  const order = items.map((load, i) => ({ load, i })).sort((a, b) => b.load - a.load);
  const loads = new Array<number>(bins).fill(0);
  const members: number[][] = Array.from({ length: bins }, () => []);
  for (const { load, i } of order) {
    let best = -1;
    for (let b = 0; b < bins; b++) {
      if ((members[b]?.length ?? 0) >= perBin) continue;
      if (best < 0 || (loads[b] ?? 0) < (loads[best] ?? 0)) best = b;
    }
    loads[best] = (loads[best] ?? 0) + load;
    members[best]?.push(i);
  }
  return members;
}

/**
 * Place `loads.length` experts by the hierarchical policy, averaged over random group memberships.
 * @example placeExpertsHierarchical([1, 1, 1, 1], { groups: 2, nodes: 2, redundantSlots: 0, ranks: 2 }).maxOverMean === 1
 */
export function placeExpertsHierarchical(
  loads: readonly number[],
  layout: HierarchicalLayout,
  trials = DEFAULT_TRIALS,
): HierarchicalPlacement {
  const n = loads.length;
  const { groups, nodes, redundantSlots, ranks } = layout;
  if (!Number.isInteger(groups) || groups < 1 || n % groups !== 0)
    refuse(`the ${n} routed experts do not form ${groups} equal expert groups`);
  if (!Number.isInteger(nodes) || nodes < 1 || groups % nodes !== 0)
    refuse(
      `the model's ${groups} expert groups do not divide over the instance's ${nodes} nodes (the engine then uses the global policy: placement eplb)`,
    );
  if (ranks % nodes !== 0) refuse(`the ${ranks} expert ranks do not divide over ${nodes} nodes`);
  if (redundantSlots % nodes !== 0)
    refuse(`the ${redundantSlots} redundant slots do not divide over ${nodes} nodes`);
  if (nodes === 1) {
    // One node: the policy is the global one (DeepSeek's code calls it with one group, one node).
    const placed = placeExperts(loads, redundantSlots, ranks);
    return {
      rankLoads: [...placed.rankLoads].sort((a, b) => b - a),
      maxOverMean: placed.maxOverMean,
      nodeMaxOverMean: 1,
    };
  }
  const groupSize = n / groups;
  const ranksPerNode = ranks / nodes;
  let nodeMax = 0;
  // Scratch reused by every trial (loops, not slices: the trials run thousands of times per placement).
  const groupLoads = new Array<number>(groups).fill(0);
  const experts: number[] = [];
  const trialRanks: number[] = [];
  const sorted = meanSortedRankLoads(loads, trials, ranks, (order) => {
    for (let k = 0; k < groups; k++) {
      let sum = 0;
      for (let i = k * groupSize; i < (k + 1) * groupSize; i++) sum += order[i] ?? 0;
      groupLoads[k] = sum;
    }
    trialRanks.length = 0;
    let hottestNode = 0;
    for (const members of balancedPacking(groupLoads, nodes)) {
      experts.length = 0;
      for (const k of members)
        for (let i = k * groupSize; i < (k + 1) * groupSize; i++) experts.push(order[i] ?? 0);
      for (const load of placeExperts(experts, redundantSlots / nodes, ranksPerNode).rankLoads)
        trialRanks.push(load);
      let nodeLoad = 0;
      for (const load of experts) nodeLoad += load;
      hottestNode = Math.max(hottestNode, nodeLoad);
    }
    nodeMax += hottestNode / trials;
    return trialRanks;
  });
  const total = sorted.rankLoads.reduce((a, b) => a + b, 0);
  return {
    ...sorted,
    nodeMaxOverMean: total > 0 ? Math.max(1, (nodeMax * nodes) / total) : 1,
  };
}
