/**
 * Collective operations, algorithms and results, shared by both cost engines.
 *
 * Byte conventions follow nccl-tests: `bytes` is the buffer size of an all-reduce or a broadcast,
 * the total output of an all-gather, the total input of a reduce-scatter, the send buffer of one
 * rank in an all-to-all (S/n to each peer) and the message of a send/recv.
 */

import type { LibraryId, LinkTier } from "../topology/index.ts";

export type CollectiveOp =
  | "all-reduce"
  | "all-gather"
  | "reduce-scatter"
  | "all-to-all"
  | "all-to-all-v"
  | "broadcast"
  | "send-recv";

export const COLLECTIVE_OPS: readonly CollectiveOp[] = [
  "all-reduce",
  "all-gather",
  "reduce-scatter",
  "all-to-all",
  "all-to-all-v",
  "broadcast",
  "send-recv",
];

/**
 * - ring: bandwidth-optimal ring (NCCL Ring); tree: double binary tree (NCCL Tree), pipelined;
 * - in-switch: reduction in the switches (NVLink SHARP / NVLS), single-tier NVLink domains only;
 * - hierarchical: reduce-scatter inside each scale-up domain (or server), all-reduce across, all-gather inside;
 * - direct: every rank sends straight to every peer (all-to-all, send/recv).
 */
export type Algorithm = "ring" | "tree" | "in-switch" | "hierarchical" | "direct";
export const ALGORITHMS: readonly Algorithm[] = ["ring", "tree", "in-switch", "hierarchical", "direct"];

export type EngineName = "analytic" | "flow";

/** Which network carries traffic between ranks of one scale-up domain. */
export type Transport = "auto" | "scale-out";

export interface CollectiveRequest {
  readonly op: CollectiveOp;
  /** See the byte conventions above. */
  readonly bytes: number;
  /** Ranks in the communicator: consecutive ranks from rank 0 (packed placement). */
  readonly ranks: number;
  /** Absent: the default for the op and fabric. */
  readonly algorithm?: Algorithm;
  /**
   * false: NCCL's in-switch reduction (NVLS) is not used by this communicator, so an all-reduce
   * runs ring or tree (serving engines' tensor-parallel all-reduces). Absent: allowed.
   */
  readonly inSwitch?: boolean;
  /**
   * true: a serving engine's own all-reduce kernel (vLLM / SGLang custom all-reduce, TensorRT-LLM's
   * one- and two-shot all-reduce at decode sizes: one or two NVLink passes whatever the ranks, NCCL
   * only for large messages). NCCL's protocol model stands in for it without the measured per-step
   * NVLink latency of NCCL's own ring steps (nccl-protocols.yaml stepLatencyExcess). Absent: NCCL.
   */
  readonly engineKernel?: boolean;
  /** Absent: hccl on UB, nccl elsewhere. */
  readonly library?: LibraryId;
  /** "scale-out": every byte goes over the NICs, even inside a server (DeepEP low-latency, pure RDMA). */
  readonly transport?: Transport;
  /** all-to-all-v: bytes from rank i to rank j at [i * ranks + j]. */
  readonly matrix?: Float64Array;
  /** Cap on each rank's injection rate (bytes/s), e.g. from transfers in flight (Little's law). */
  readonly rankRateCapBytesPerS?: number;
  /** NCCL version of the run ("2.26.2"), where its constants differ by version; absent: the newest. */
  readonly ncclVersion?: string;
}

/** Bytes carried by one link (flow engine) or one tier per rank (analytical engine). */
export interface LinkLoad {
  readonly label: string;
  readonly tier: LinkTier;
  readonly bytes: number;
  /** Busy fraction over the collective's transfer time (1 = the bottleneck). */
  readonly utilization: number;
}

export interface CollectiveResult {
  readonly op: CollectiveOp;
  readonly algorithm: Algorithm;
  readonly engine: EngineName;
  readonly library: LibraryId;
  readonly ranks: number;
  readonly bytes: number;
  /** NCCL's protocol (LL, LL128, Simple), where the NCCL protocol model timed it (all-reduce in one NVLink domain). */
  readonly protocol?: "ll" | "ll128" | "simple";
  /** Total seconds: fixed software cost + latency + transfer. */
  readonly timeS: number;
  readonly fixedS: number;
  readonly latencyS: number;
  readonly transferS: number;
  /** bytes / timeS. */
  readonly algBandwidthBytesPerS: number;
  /** nccl-tests bus bandwidth: algbw × 2(n−1)/n (all-reduce), × (n−1)/n (gather/scatter/all-to-all). */
  readonly busBandwidthBytesPerS: number;
  /** The tier whose links limit the transfer, or "latency" when latency and fixed cost dominate. */
  readonly bottleneck: LinkTier | "latency" | "rank-injection";
  /** Bytes each rank sends (largest over ranks). */
  readonly bytesPerRank: number;
  /** Most loaded links (flow) or tiers (analytic), most loaded first. */
  readonly loadedLinks: readonly LinkLoad[];
}

/** nccl-tests bus-bandwidth factor. @example busFactor("all-reduce", 8) // 1.75 */
export function busFactor(op: CollectiveOp, n: number): number {
  switch (op) {
    case "all-reduce":
      return (2 * (n - 1)) / n;
    case "all-gather":
    case "reduce-scatter":
    case "all-to-all":
    case "all-to-all-v":
      return (n - 1) / n;
    case "broadcast":
    case "send-recv":
      return 1;
  }
}
