/**
 * How many copies of a cached prefix's KV an instance must receive when it loads the prefix from
 * the pooled tier. The cache is laid out as the step model's memory model keeps it (deploy/memory):
 * attention data-parallel groups hold their own requests, and inside a group of `tp` ranks the KV of
 * a token is split `kvSplit` ways (GQA: min(tp, KV heads); MLA: 1, the latent is shared by all heads)
 * and every rank keeps the shard its heads read. So each token's KV lands on tp / kvSplit ranks:
 * with MLA under attention TP (CloudMatrix-Infer's prefill: TP32 over the 128 heads) every rank of
 * the group needs the whole prefix, and loading it costs each rank the full bytes, not 1/ranks.
 *
 * Over the scale-up fabric every rank reads its copy in parallel: the bytes delivered are
 * `fabricCopies` × the prefix bytes, spread over all the instance's ranks. Over VPC the prefix enters
 * each node through the node's own NIC once and is fanned out inside the node: a group spanning k
 * nodes needs `nodeCopies` = k copies through the NICs (at most one per rank that holds a shard).
 */
import type { InstancePlan } from "../deploy/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import type { TransferModel } from "./transfer-model.ts";

export interface CachedKvCopies {
  /** Ranks each token's KV is delivered to (tp / kvSplit). */
  readonly fabricCopies: number;
  /** Nodes each token's KV must enter when it arrives through per-node NICs. */
  readonly nodeCopies: number;
}

/**
 * @example cachedKvCopies(prefillPlan, deepseekR1, 16) // CM384 prefill, TP32 MLA over 2 nodes: { fabricCopies: 32, nodeCopies: 2 }
 */
export function cachedKvCopies(
  plan: Pick<InstancePlan, "attention">,
  arch: Pick<ModelArchitecture, "attention">,
  ranksPerNode: number,
): CachedKvCopies {
  const tp = Math.max(1, plan.attention.tp);
  const kvSplit = arch.attention.kind === "gqa" ? Math.min(tp, arch.attention.numKvHeads) : 1;
  const fabricCopies = tp / kvSplit;
  const nodesSpanned = Math.max(1, Math.ceil(tp / Math.max(1, ranksPerNode)));
  return { fabricCopies, nodeCopies: Math.min(fabricCopies, nodesSpanned) };
}

/**
 * The path with every byte delivered `copies` times (bandwidth term only; one latency).
 * @example withCopies(linkTransferModel(50e9, 2e-6, "ub"), 2).occupancyS(1e9) // 0.04
 */
export function withCopies(path: TransferModel, copies: number): TransferModel {
  if (copies === 1) return path;
  return {
    description: `${path.description}; each cached token's KV delivered ${copies}× (attention-TP replicas)`,
    transferS: (bytes) => path.transferS(bytes * copies),
    occupancyS: (bytes) => path.occupancyS(bytes * copies),
  };
}
