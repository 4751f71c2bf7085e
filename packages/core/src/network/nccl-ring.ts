/**
 * NCCL's ring across NVLink domains (`src/graph/search.cc`, `src/graph/tuning.cc`): how many of a
 * domain's NICs its ring channels cross through, and the latency its tuner charges a ring over
 * several nodes. Inside one server-sized domain (HGX, DGX) a ring channel per GPU and NIC; in an
 * NVLink domain of several servers (GB200 / GB300 NVL72, or partitions of whole trays) the graph
 * search lays channels through the whole domain, each at the fastest per-channel speed not above
 * the NIC's line rate, as many as a GPU's NVLink holds and at most one per NIC at that speed.
 */
import type { FabricModel } from "./fabric-model.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import type { NcclProtocolParams } from "./nccl-protocols.ts";
import { ncclSearchChannels } from "./nccl-tree-pipeline.ts";

/** The ring's crossing shape: ranks per group whose ring is rotated, and channels (one NIC each) per group. */
export interface RingCrossing {
  /** Consecutive ranks a channel walks before it crosses to the next group (a server or an NVLink domain). */
  readonly group: number;
  /** Ring channels, each crossing out of a group through its own rank and NIC. */
  readonly channels: number;
}

/**
 * The ring's crossing shape across systems: per server (one channel per rank) unless NCCL runs on
 * an NVLink domain of several servers, where its search finds min(GPUs of the domain, channels
 * the GPU's NVLink holds at the NIC speed) channels through the whole domain — one NIC each (a
 * GPU per NIC, as on every catalog NVLink system). `ranks`, when given, must fill whole domains for
 * the domain-wide ring; otherwise the ring crosses per server (both engines read the same rule).
 * @example ringCrossing(fabricModel(gb200Nvl72)) // { group: 72, channels: 15 }: 721.8 GB/s of NVLink / 48 GB/s a channel
 */
export function ringCrossing(
  model: FabricModel,
  ranks?: number,
  p: NcclProtocolParams = builtinNcclProtocols(),
): RingCrossing {
  const rps = model.ranksPerServer;
  const domain = model.ranksPerSystem;
  if (
    model.defaultLibrary !== "nccl" ||
    model.scaleUpTech.id !== "nvlink" ||
    domain <= rps ||
    (ranks !== undefined && ranks % domain !== 0) ||
    p.ringAcrossNodes.channels === "server"
  )
    return { group: rps, channels: rps };
  const search = ncclSearchChannels(
    p.treePipeline,
    model.accessBytesPerS,
    model.scaleOutBytesPerS / model.scaleOutTech.writeFraction.value,
  );
  return { group: domain, channels: Math.max(1, Math.min(domain, search)) };
}

/**
 * The latency NCCL's tuner charges a Ring/Simple all-reduce of `ranks` GPUs over `nodes` NVLink
 * domains (tuning.cc ncclTopoTuneModel): every step pays the NVLink ring step, except the
 * 2(nodes − 1) steps that cross the network, which pay the network step; over more than one node
 * the total is multiplied by the ring's "plateau" factor (ncclTopoGetAlgoTime) unless the message
 * is under 64 bytes per channel and rank. The base latency is the library's fixed cost across
 * nodes (measured), so it is not added. Zero within one domain.
 * @example ncclRingLatencyAcrossS(24, 3, 2 ** 34, 16) // 1.4 × (42 × 3.4 + 4 × 14) µs ≈ 278 µs
 */
export function ncclRingLatencyAcrossS(
  ranks: number,
  nodes: number,
  bytes: number,
  channels: number,
  p: NcclProtocolParams = builtinNcclProtocols(),
): number {
  if (nodes < 2 || ranks < 2) return 0;
  const steps = 2 * (ranks - 1);
  const netSteps = 2 * (nodes - 1);
  const intra = p.algorithms.ring?.simple?.stepLatencyS ?? 0;
  const r = p.ringAcrossNodes;
  const lat = (steps - netSteps) * intra + netSteps * r.netStepLatencyS;
  return bytes / (channels * ranks) >= 64 ? lat * r.plateau : lat;
}
