/**
 * Communicators of a training job on the fabric model. Ranks are ordered tp, cp, dp (ep fastest
 * inside dp), pp — Megatron-Core's order — so a group's members sit `stride` ranks apart. A strided
 * group of n ranks costs what a packed group of n costs on a fabric whose packages, servers and
 * systems hold `stride` times fewer of its members: every member keeps its own scale-up port and
 * its own NIC (rail-optimised clusters put equal local ranks on one rail), so per-rank bandwidth
 * is unchanged and only the distance classes of the peers change.
 */
import {
  analyticCollective,
  type CollectiveOp,
  type CollectiveResult,
  type FabricModel,
  fabricModel,
} from "../network/index.ts";
import type { FabricTarget } from "../topology/index.ts";

/**
 * The fabric as seen by a communicator whose members are `stride` ranks apart.
 * @example stridedView(fabricModel(hgxCluster), 8).ranksPerServer // 1: one member per 8-GPU server
 */
export function stridedView(model: FabricModel, stride: number): FabricModel {
  if (stride <= 1) return model;
  const per = (n: number) => Math.max(1, Math.floor(n / stride));
  return {
    ...model,
    totalRanks: Math.max(1, Math.floor(model.totalRanks / stride)),
    ranksPerPackage: per(model.ranksPerPackage),
    ranksPerServer: per(model.ranksPerServer),
    ranksPerSystem: per(model.ranksPerSystem),
  };
}

/** Time of one collective among `ranks` members `stride` apart (analytical engine). */
export function groupCollective(
  target: FabricTarget,
  op: CollectiveOp,
  bytes: number,
  ranks: number,
  stride: number,
): CollectiveResult | undefined {
  if (ranks <= 1 || bytes <= 0) return undefined;
  return analyticCollective(stridedView(fabricModel(target), stride), { op, bytes, ranks });
}

/** Seconds of one collective (0 for a group of one). */
export function groupCollectiveS(
  target: FabricTarget,
  op: CollectiveOp,
  bytes: number,
  ranks: number,
  stride: number,
): number {
  return groupCollective(target, op, bytes, ranks, stride)?.timeS ?? 0;
}
