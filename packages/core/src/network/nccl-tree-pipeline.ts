/**
 * NCCL's plain Tree all-reduce (Simple protocol, NVLS off) across nodes as the chunk pipeline it
 * is (`src/enqueue.cc` calcCollChunking, `src/graph/connect.cc`, `src/graph/search.cc`): every
 * channel moves its share in fixed chunks of one buffer step, and each chunk climbs the chain
 * inside each node and the tree over the nodes, then comes back down. The first chunk needs
 * 2 × depth edge crossings before the pipeline runs full, so the transfer takes
 * (2 depth − 1) chunk periods beyond its bytes.
 */
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import type { TreePipelineParams } from "./nccl-protocols.ts";

/**
 * Execution channels NCCL runs across nodes: its graph search starts every channel at the
 * fastest per-channel speed not above the NIC's line rate and adds channels while a GPU's NVLink
 * has room (at most `maxSearchChannels`) and a NIC of the domain has room for the channel's speed
 * (`search.cc` ncclTopoSearchRecNet subtracts it from the NIC's bandwidth: one channel per NIC at
 * 48 GB/s on 400 Gb/s; `nics`, one per GPU on the catalog's NVLink systems); `ncclTopoPostset`
 * doubles them (at most `maxChannels`), and doubles again below 16 when the speed exceeds 45 GB/s.
 * @example ncclTreeChannels(builtinNcclProtocols().treePipeline, 721.8e9, 50e9, 72) // 15 search channels at 48 GB/s → 30 (8 NICs: 8 → 16)
 */
export function ncclTreeChannels(
  p: TreePipelineParams,
  nvlinkBytesPerS: number,
  nicLineBytesPerS: number,
  nics: number,
): number {
  const speed = channelSpeed(p, nicLineBytesPerS);
  const perNic = Math.max(1, Math.floor(nicLineBytesPerS / speed + 1e-9));
  const search = Math.min(ncclSearchChannels(p, nvlinkBytesPerS, nicLineBytesPerS), nics * perNic);
  let channels = Math.min(p.maxChannels, 2 * search);
  if (channels < 16 && speed > 45e9) channels = Math.min(p.maxChannels, 2 * channels);
  return channels;
}

/** The fastest per-channel speed of NCCL's inter-node list not above the NIC's line rate. */
function channelSpeed(p: TreePipelineParams, nicLineBytesPerS: number): number {
  return (
    p.interChannelSpeeds.find((s) => s <= nicLineBytesPerS) ?? p.interChannelSpeeds.at(-1) ?? nicLineBytesPerS
  );
}

/**
 * Channels NCCL's graph search finds across nodes (before `ncclTopoPostset` doubles them): at the
 * fastest per-channel speed not above the NIC's line rate, as many as a GPU's NVLink holds, at
 * most `maxSearchChannels`.
 * @example ncclSearchChannels(builtinNcclProtocols().treePipeline, 721.8e9, 50e9) // 15
 */
export function ncclSearchChannels(
  p: TreePipelineParams,
  nvlinkBytesPerS: number,
  nicLineBytesPerS: number,
): number {
  const speed = channelSpeed(p, nicLineBytesPerS);
  return Math.max(1, Math.min(p.maxSearchChannels, Math.floor(nvlinkBytesPerS / speed + 1e-9)));
}

/**
 * How much longer the tree's transfer takes than its bytes alone: × (1 + (2 depth − 1) ×
 * min(S, channels × chunk) / S), depth = GPUs per node − 1 + ⌊log2 nodes⌋ (NCCL's own estimate).
 * @example ncclTreePipelineFactor(2 ** 29, 20, 72, 30) // depth 75, 30 × 512 KiB a round: 1 + 149 × 15.7 MB / 536.9 MB ≈ 5.4
 */
export function ncclTreePipelineFactor(
  bytes: number,
  nodes: number,
  perNode: number,
  channels: number,
  p: TreePipelineParams = builtinNcclProtocols().treePipeline,
): number {
  if (bytes <= 0 || nodes < 2) return 1;
  const depth = perNode - 1 + Math.floor(Math.log2(nodes));
  const inFlight = Math.min(bytes, channels * p.chunkBytes);
  return 1 + ((2 * depth - 1) * inFlight) / bytes;
}
