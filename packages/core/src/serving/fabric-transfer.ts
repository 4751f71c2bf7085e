/**
 * KV-cache transfers costed on the fabric model (`collectiveTime` send/recv, analytical engine):
 * one rank-to-rank message per request, across nodes, over the RDMA plane (`transport:
 * "scale-out"`) or the scale-up fabric (UB, NVLink). The analytical send/recv cost is affine in
 * the message size (fixed software cost + latency + bytes / bottleneck bandwidth), so it is
 * evaluated twice up front and applied per request without calling the fabric model again.
 * The ranks of an instance send in parallel: a transfer occupies one of `lanes` rank links.
 */
import type { System } from "../hardware/index.ts";
import { collectiveTime } from "../network/index.ts";
import { GIGA, MEGA } from "../spec/index.ts";
import type { TransferModel } from "./transfer-model.ts";

const SMALL = 1 * MEGA;
const LARGE = 1 * GIGA;

/**
 * @example fabricTransferModel(cm384, "rdma", 32).transferS(256e6) // ≈ 10 ms over one die's 200 Gbps
 */
export function fabricTransferModel(system: System, plane: "ub" | "rdma", lanes: number): TransferModel {
  const chip = system.node.accelerator.chip;
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  const ranksPerNode = system.node.accelerator.count.value * ranksPerChip;
  const totalRanks = ranksPerNode * system.nodes.value;
  // Rank 0 to the last rank of the next node: an inter-node path (or the farthest pair in one node).
  const ranks = Math.max(2, Math.min(2 * ranksPerNode, totalRanks));
  const request = { op: "send-recv", ranks, transport: plane === "rdma" ? "scale-out" : "auto" } as const;
  const small = collectiveTime(system, { ...request, bytes: SMALL });
  const large = collectiveTime(system, { ...request, bytes: LARGE });
  const perByteS = (large.transferS - small.transferS) / (LARGE - SMALL);
  const fixedS = small.fixedS + small.latencyS + (small.transferS - perByteS * SMALL);
  const bandwidth = perByteS > 0 ? 1 / perByteS : Number.POSITIVE_INFINITY;
  const where = plane === "rdma" ? system.scaleOut.technology : system.scaleUp.technology;
  return {
    description: `fabric model send/recv over ${where}: ${(bandwidth / GIGA).toFixed(1)} GB/s per rank pair, ${(fixedS * 1e6).toFixed(1)} µs fixed, ${lanes} ranks in parallel`,
    transferS: (bytes) => fixedS + bytes * perByteS,
    occupancyS: (bytes) => (bytes * perByteS) / lanes,
  };
}
