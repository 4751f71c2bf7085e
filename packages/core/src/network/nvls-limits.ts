/**
 * What NCCL's NVLS algorithms can use of an NVLink domain, from NCCL's own source: how many GPUs
 * act as NVLS heads (at most NCCL_MAX_NVLS_ARITY = 32), and the tuner's cap on NVLSTree bus
 * bandwidth per channel across nodes (`data/fabric/nccl-protocols.yaml`).
 */
import { busFactor } from "./collective-types.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { type NcclProtocolParams, nvlsLoopFactor } from "./nccl-protocols.ts";

/**
 * GPUs that reduce and multicast one slice each in an NVLS all-reduce among `ranks` GPUs of one
 * NVLink domain: every GPU up to NCCL's arity limit.
 * @example nvlsHeads(72) // 32
 */
export function nvlsHeads(ranks: number, p: NcclProtocolParams = builtinNcclProtocols()): number {
  return Math.max(1, Math.min(ranks, p.nvlsMaxHeads));
}

/**
 * Local ranks of each system that send over the network in a Tree / NVLSTree all-reduce across
 * systems: every rank of the system (one tree channel per local rank and NIC), or, where the
 * switches reduce (NVLSTree), only the NVLS heads — NCCL's NVLS graph has one head per channel,
 * at most NCCL_MAX_NVLS_ARITY, each the GPU of one NIC, and every head runs its slice of every
 * channel over its own NIC (connect.cc connectNvls: a head's tree up/down are the same head
 * index on the parent and child nodes). The rest of a system's GPUs only scatter and gather over
 * NVLink.
 * @example treeHeads({ ranksPerSystem: 72, inSwitchReduction: true }) // 32
 */
export function treeHeads(
  model: { readonly ranksPerSystem: number; readonly inSwitchReduction: boolean },
  p: NcclProtocolParams = builtinNcclProtocols(),
): number {
  return model.inSwitchReduction ? nvlsHeads(model.ranksPerSystem, p) : model.ranksPerSystem;
}

/**
 * Bytes the busiest GPU (a head) moves per direction in an NVLS all-reduce of S bytes among
 * `ranks` GPUs: the reduce-scatter reads all of its buffer (S) and the multicast brings all of the
 * result (S), plus its own slice, S / heads, each way.
 * @example nvlsBytesPerRank(8, 1e9) // 1.125e9
 */
export function nvlsBytesPerRank(ranks: number, bytes: number): number {
  return bytes * (1 + 1 / nvlsHeads(ranks));
}

/**
 * The shortest transfer time NCCL's tuner allows an NVLSTree all-reduce of `bytes` over `ranks`
 * GPUs on `nodes` NVLink domains of `perNode` GPUs each: bus bandwidth ≤ heads × the generation's
 * per-channel cap (two nodes, or more). 0 when the generation has no cap in the data.
 * @example nvlsTreeMinTransferS(2 ** 33, 16, 2, 8, "NVLink 4 / NVSwitch 3") // 2^33 × 1.875 / 461.6 GB/s ≈ 0.0349 s
 */
export function nvlsTreeMinTransferS(
  bytes: number,
  ranks: number,
  nodes: number,
  perNode: number,
  technology: string,
  p: NcclProtocolParams = builtinNcclProtocols(),
): number {
  const cap = p.nvlsTreeChannelBusBandwidth.find((g) => g.match.test(technology));
  if (cap === undefined || nodes < 2) return 0;
  const perChannel = nodes === 2 ? cap.twoNodesBytesPerS : cap.moreNodesBytesPerS;
  return (bytes * busFactor("all-reduce", ranks)) / (nvlsHeads(perNode, p) * perChannel);
}

/**
 * How much longer NCCL's NVLSTree all-reduce across `nodes` NVLink domains of `perNode` GPUs takes
 * than its bytes alone: each NVLS channel walks its share in loops of heads × chunk through the
 * one-domain pipeline (scatter, reduce/multicast, gather) plus an up and a down stage per tree
 * level, so the pipeline costs fillLoops + perTreeLevel × ceil(log2(nodes)) loops beyond the data.
 * NCCL's NVLSTree chunk rule (enqueue.cc, 2.25–2.29). 1 when the generation has no channel count.
 * @example nvlsTreePipelineFactor(2 ** 31, 2, 72, "NVLink 5") // 32 channels × 32 heads × 128 KiB = 134 MB a loop, 4 loops: 1 + 4 × 134 MB / 2.15 GB = 1.25
 */
export function nvlsTreePipelineFactor(
  bytes: number,
  nodes: number,
  perNode: number,
  technology: string,
  p: NcclProtocolParams = builtinNcclProtocols(),
): number {
  const t = p.nvlsTreePipeline;
  const channels = t.channels.find((c) => c.match.test(technology))?.value;
  if (channels === undefined || bytes <= 0 || nodes < 2) return 1;
  const maxChunk =
    nodes >= t.manyNodes.fromNodes ? Math.min(t.maxChunkBytes, t.manyNodes.maxChunkBytes) : t.maxChunkBytes;
  const fill = p.nvlsPipeline.fillLoops + t.fillLoopsPerTreeLevel * Math.ceil(Math.log2(nodes));
  return nvlsLoopFactor(bytes, channels * nvlsHeads(perNode, p), maxChunk, t.chunkSteps, fill);
}
