/**
 * NCCL's tuner bound on a ring's LL128 bus bandwidth inside one NVSwitch node (`tuning.cc`
 * ncclTopoTuneModel: min(0.92 × the Simple ring, ring channels × perChMaxRingLL128Bw)), with the ring
 * graph's channel count from its search (`search.cc`). The per-channel constant is per GPU generation
 * and NCCL release (`ringLl128ChannelBusBandwidth` in `nccl-protocols.yaml`).
 */
import { appliesToNccl, type NcclProtocolParams } from "./nccl-protocols.ts";

/**
 * Channels of NCCL's ring graph on one NVSwitch node: as many channels of the fastest intra-node
 * speed (`speeds`, fastest first) as a GPU's NVLink holds, doubled by `ncclTopoDupChannels` when that
 * speed is at least 25 GB/s and either at least 50 GB/s or the channels are at most 4 (compute
 * capability above 8.0), at most `maxChannels` (MAXCHANNELS / 2).
 * @example ncclRingChannelsOneNode([90e9, 80e9], 721.8e9, 32) // 8 × 90 GB/s, doubled: 16
 */
export function ncclRingChannelsOneNode(
  speeds: readonly number[],
  nvlinkBytesPerS: number,
  maxChannels: number,
): number {
  const graph = ncclRingSearchOneNode(speeds, nvlinkBytesPerS);
  if (graph === undefined) return 0;
  const found = Math.min(maxChannels, graph.channels);
  const dup = graph.speed >= 25e9 && (graph.speed >= 50e9 || found <= 4);
  return dup ? Math.min(2 * found, maxChannels) : found;
}

/**
 * What NCCL's ring search finds on one NVSwitch node before `ncclTopoDupChannels`: the fastest
 * intra-node speed (`speeds`, fastest first) a GPU's NVLink holds, and how many channels of it fit
 * (at least one). Undefined when the generation has no positive speed.
 * @example ncclRingSearchOneNode([90e9, 80e9], 721.8e9) // { speed: 90e9, channels: 8 }
 */
export function ncclRingSearchOneNode(
  speeds: readonly number[],
  nvlinkBytesPerS: number,
): { readonly speed: number; readonly channels: number } | undefined {
  const speed = speeds.find((s) => s <= nvlinkBytesPerS) ?? speeds.at(-1);
  if (speed === undefined || speed <= 0) return undefined;
  return { speed, channels: Math.max(1, Math.floor(nvlinkBytesPerS / speed + 1e-9)) };
}

/**
 * NCCL's cap on a one-node ring's LL128 bus bandwidth (bytes/s) for a generation and NCCL version
 * (undefined: no entry or no intra-node speeds for the generation, so no cap).
 * @example ringLl128BusCap(builtinNcclProtocols(), 721.8e9, "NVLink 5") // 16 channels × 40 GB/s = 640e9
 */
export function ringLl128BusCap(
  p: NcclProtocolParams,
  nvlinkBytesPerS: number,
  technology: string,
  ncclVersion?: string,
): number | undefined {
  const perChannel = p.ringLl128ChannelBusBandwidth.find(
    (e) => e.match.test(technology) && appliesToNccl(e, ncclVersion),
  )?.bytesPerS;
  const speeds = p.nvlsGather.intraChannelSpeeds.find((e) => e.match.test(technology))?.bytesPerS;
  if (perChannel === undefined || speeds === undefined) return undefined;
  const channels = ncclRingChannelsOneNode(speeds, nvlinkBytesPerS, p.treePipeline.maxSearchChannels);
  return channels > 0 ? channels * perChannel : undefined;
}
