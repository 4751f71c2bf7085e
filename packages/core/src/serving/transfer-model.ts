/**
 * Cost of moving KV-cache bytes between places: prefill → decode instance, the pooled DRAM tier
 * (EMS) → an instance, HBM ↔ host DRAM for swapping. One small interface (bytes → seconds) so the
 * fabric model's send/recv cost can replace the link model below without touching the simulator.
 */
import type { System } from "../hardware/index.ts";
import { GIGA } from "../spec/index.ts";

export interface TransferModel {
  /** What the path is and where its figures come from, for reports. */
  readonly description: string;
  /** Seconds to move `bytes` when the path is otherwise idle. */
  transferS(bytes: number): number;
  /** Seconds the path stays busy for `bytes` (its bandwidth term; latency overlaps with other transfers). */
  occupancyS(bytes: number): number;
}

/**
 * A path with one bandwidth and one fixed latency.
 * @example linkTransferModel(50e9, 2e-6, "RDMA").transferS(1e9) // ≈ 0.020002
 */
export function linkTransferModel(
  bandwidthBytesPerS: number,
  latencyS: number,
  description: string,
): TransferModel {
  return {
    description,
    transferS: (bytes) => latencyS + bytes / bandwidthBytesPerS,
    occupancyS: (bytes) => bytes / bandwidthBytesPerS,
  };
}

export type TransferPlane = "ub" | "rdma" | "vpc";

export interface TransferPathSpec {
  readonly plane: TransferPlane;
  readonly bandwidthGBps?: number;
  readonly latencyS?: number;
}

/**
 * A transfer path between `chips` accelerators of an instance and their peer, derived from the
 * system's sourced per-chip figures: UB/NVLink per-chip scale-up bandwidth, RDMA NIC bandwidth per
 * chip, or the VPC bandwidth per node (× nodes the instance spans). The user's `bandwidthGBps` /
 * `latencyS` override these.
 * @example systemTransferModel(cm384, { plane: "rdma" }, 16) // 16 × 50 GB/s
 */
export function systemTransferModel(system: System, path: TransferPathSpec, chips: number): TransferModel {
  const latencyS = path.latencyS ?? system.scaleUp.hopLatencyS.value;
  if (path.bandwidthGBps !== undefined)
    return linkTransferModel(
      path.bandwidthGBps * GIGA,
      latencyS,
      `${path.plane}, ${path.bandwidthGBps} GB/s (user)`,
    );
  const chip = system.node.accelerator.chip;
  const perNode = system.node.accelerator.count.value;
  switch (path.plane) {
    case "ub": {
      const perChip = chip.scaleUp?.bandwidthBytesPerSPerDirection.value;
      if (perChip === undefined) return fallback(system, chips, latencyS, "ub");
      return linkTransferModel(
        perChip * chips,
        latencyS,
        `${system.scaleUp.technology}: ${chips} chips × ${(perChip / GIGA).toFixed(0)} GB/s (catalog, per direction)`,
      );
    }
    case "rdma": {
      const perChip = system.scaleOut.bandwidthBytesPerSPerChip.value;
      return linkTransferModel(
        perChip * chips,
        latencyS,
        `${system.scaleOut.technology}: ${chips} chips × ${(perChip / GIGA).toFixed(1)} GB/s (catalog)`,
      );
    }
    case "vpc": {
      const perNodeBw = system.vpcBandwidthBytesPerSPerNode?.value;
      if (perNodeBw === undefined) return fallback(system, chips, latencyS, "vpc");
      const nodes = Math.max(1, Math.ceil(chips / perNode));
      return linkTransferModel(
        perNodeBw * nodes,
        latencyS,
        `VPC: ${nodes} nodes × ${(perNodeBw / GIGA).toFixed(0)} GB/s (catalog)`,
      );
    }
    default: {
      const unreachable: never = path.plane;
      throw new Error(`unknown plane ${String(unreachable)}`);
    }
  }
}

/** The scale-out NICs, for systems without the requested plane (say so in the description). */
function fallback(system: System, chips: number, latencyS: number, wanted: TransferPlane): TransferModel {
  const perChip = system.scaleOut.bandwidthBytesPerSPerChip.value;
  return linkTransferModel(
    perChip * chips,
    latencyS,
    `${wanted} not described for ${system.id}; using ${system.scaleOut.technology}: ${chips} × ${(perChip / GIGA).toFixed(1)} GB/s`,
  );
}
