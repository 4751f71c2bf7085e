/**
 * NCCL's protocols (LL, LL128, Simple) for all-reduce inside one NVLink domain, loaded once from
 * `packages/core/data/fabric/nccl-protocols.yaml` (NCCL's own tuner constants, each with its
 * source). A protocol trades latency for bandwidth: LL sends 8-byte lines with a flag (half the
 * bandwidth, one short hop per step), LL128 128-byte lines (0.92), Simple full buffers behind a
 * fence (the full bandwidth, the longest per-step latency). NCCL's tuner picks, per size, the
 * algorithm and protocol of least modelled time; `ncclProtocolTime` does the same. The file is read
 * by `nccl-protocol-file.ts`.
 */

import { compareVersions } from "../spec/index.ts";
import type { Algorithm, CollectiveOp } from "./collective-types.ts";

export type NcclProtocol = "ll" | "ll128" | "simple";

export interface NcclProtocolCost {
  readonly baseLatencyS: number;
  readonly stepLatencyS: number;
  /** Bandwidth as a fraction of the Simple protocol's. */
  readonly bandwidthFactor: number;
}

export interface NcclProtocolParams {
  /** NCCL's ring/LL base latency, which the measured library fixed cost stands for (s). */
  readonly referenceLatencyS: number;
  readonly algorithms: Readonly<Partial<Record<Algorithm, Partial<Record<NcclProtocol, NcclProtocolCost>>>>>;
  readonly llMaxBusBandwidth: readonly { readonly match: RegExp; readonly bytesPerS: number }[];
  /** NCCL's per-channel cap on a one-node ring's LL128 bus bandwidth, per generation and version (`nccl-ll128-cap.ts`). */
  readonly ringLl128ChannelBusBandwidth: readonly {
    readonly match: RegExp;
    readonly bytesPerS: number;
    readonly ncclBefore?: string;
  }[];
  /**
   * What one ring / one-node tree step costs on the generation's NVLink beyond NCCL's per-step
   * constant (measured; NCCL's tuner does not know it, so it chooses without it).
   */
  readonly stepLatencyExcess: readonly { readonly match: RegExp; readonly seconds: number }[];
  /** Whether a serving engine's tensor-parallel all-reduce may run in-switch (NVLS). */
  readonly servingTpInSwitch: boolean;
  /** NVLS all-reduce pipeline on one NVLink domain (`nvlsPipeline` in the data file). */
  readonly nvlsPipeline: NvlsPipelineParams;
  /** NVLSTree's loop pipeline across NVLink domains (`nvlsTreePipeline` in the data file). */
  readonly nvlsTreePipeline: NvlsTreePipelineParams;
  /** At most this many GPUs of an NVLS domain are heads (NCCL_MAX_NVLS_ARITY). */
  readonly nvlsMaxHeads: number;
  /** NCCL's plain Tree across nodes as a chunk pipeline (`nccl-tree-pipeline.ts`). */
  readonly treePipeline: TreePipelineParams;
  /** NCCL's tuner latency for a Ring/Simple all-reduce over several nodes (`nccl-ring.ts`). */
  readonly ringAcrossNodes: {
    /** NICs a domain's ring crosses through: NCCL's search channels, or one per GPU of a server. */
    readonly channels: "search" | "server";
    readonly netStepLatencyS: number;
    readonly plateau: number;
  };
  /** NCCL's tuner cap on NVLSTree bus bandwidth per channel, per generation (bytes/s). */
  readonly nvlsTreeChannelBusBandwidth: readonly {
    readonly match: RegExp;
    readonly twoNodesBytesPerS: number;
    readonly moreNodesBytesPerS: number;
  }[];
  /** NCCL's tuner inputs for NVLS all-gather / reduce-scatter on one domain (`nccl-nvls-gather.ts`). */
  readonly nvlsGather: NvlsGatherParams;
}

export interface NvlsGatherParams {
  /** Fewest GPUs on which NCCL sets NVLS up, by version (first entry whose `ncclBefore` the run precedes). */
  readonly minRanks: readonly { readonly value: number; readonly ncclBefore?: string }[];
  /** NCCL's intra-node per-channel speeds per generation, fastest first (bytes/s). */
  readonly intraChannelSpeeds: readonly { readonly match: RegExp; readonly bytesPerS: readonly number[] }[];
  readonly efficiency: readonly { readonly match: RegExp; readonly value: number }[];
  /** The tuner's NVLS bus-bandwidth rule by NCCL version (first entry whose `ncclBefore` the run precedes). */
  readonly rules: readonly {
    readonly rule: "channels" | "capped" | "efficiency";
    readonly ncclBefore?: string;
  }[];
}

export interface TreePipelineParams {
  readonly chunkBytes: number;
  /** Per-channel speeds NCCL's graph search tries, bytes/s, fastest first. */
  readonly interChannelSpeeds: readonly number[];
  readonly maxSearchChannels: number;
  readonly maxChannels: number;
}

export interface NvlsPipelineParams {
  /** Loops the scatter / reduce / gather pipeline spends beyond the data (fill and drain). */
  readonly fillLoops: number;
  readonly maxChunkBytes: number;
  /** NCCL's chunk shrinking: below `belowOps` × channels × heads × chunk bytes, the chunk becomes `chunkBytes`. */
  readonly chunkSteps: readonly { readonly belowOps: number; readonly chunkBytes: number }[];
  /** NVLS channels per generation; `ncclBefore`: only for runs of an older NCCL than that version. */
  readonly channels: readonly {
    readonly match: RegExp;
    readonly value: number;
    readonly ncclBefore?: string;
  }[];
}

export interface NvlsTreePipelineParams {
  /** Loops each tree level adds to the one-domain pipeline's fill (one up, one down stage). */
  readonly fillLoopsPerTreeLevel: number;
  readonly maxChunkBytes: number;
  /** From this many domains on, the chunk is at most `maxChunkBytes` of this entry. */
  readonly manyNodes: { readonly fromNodes: number; readonly maxChunkBytes: number };
  readonly chunkSteps: readonly { readonly belowOps: number; readonly chunkBytes: number }[];
  readonly channels: readonly { readonly match: RegExp; readonly value: number }[];
}

/** What one all-reduce costs under the protocol NCCL's tuner would pick. */
export interface ProtocolTiming {
  readonly protocol: NcclProtocol;
  /** Latency NCCL charges beyond the library's fixed cost (s). */
  readonly latencyS: number;
  readonly transferS: number;
}

/**
 * The fastest protocol for an all-reduce (or a ring all-gather / reduce-scatter, `op`) among `ranks`
 * ranks of one NVLink domain, given the transfer time at the Simple protocol's bandwidth and the
 * bytes on the bus (S × 2(n−1)/n for the all-reduce, S × (n−1)/n for the others). NCCL's
 * constants choose the protocol; its time adds the generation's measured step latency beyond them
 * (`measuredSteps`: false for an engine's own all-reduce kernel, which NCCL's model stands in for).
 * A ring's LL128 runs no faster than `ringLl128BusCapBytesPerS` (NCCL's per-channel cap, `nccl-ll128-cap.ts`).
 * Undefined when NCCL has no protocol data for the algorithm.
 * @example ncclProtocolTime(builtinNcclProtocols(), "ring", 4, 68e-6, 25e6, "NVLink 4")?.protocol // "simple"
 */
export function ncclProtocolTime(
  params: NcclProtocolParams,
  algorithm: Algorithm,
  ranks: number,
  simpleTransferS: number,
  busBytes: number,
  technology: string,
  op: CollectiveOp = "all-reduce",
  measuredSteps = true,
  ringLl128BusCapBytesPerS?: number,
): ProtocolTiming | undefined {
  const table = params.algorithms[algorithm];
  if (table === undefined) return undefined;
  // NCCL's tuner (tuning.cc `nsteps`): 2(n − 1) ring steps for an all-reduce, n − 1 for an
  // all-gather or reduce-scatter
  const steps = algorithm === "in-switch" ? 1 : op === "all-reduce" ? 2 * (ranks - 1) : ranks - 1;
  const llCap = params.llMaxBusBandwidth.find((g) => g.match.test(technology))?.bytesPerS;
  let best: ProtocolTiming | undefined;
  for (const protocol of ["ll", "ll128", "simple"] as const) {
    const c = table[protocol];
    if (c === undefined) continue;
    let transferS = simpleTransferS / c.bandwidthFactor;
    if (protocol === "ll" && llCap !== undefined) transferS = Math.max(transferS, busBytes / llCap);
    if (protocol === "ll128" && algorithm === "ring" && ringLl128BusCapBytesPerS !== undefined)
      transferS = Math.max(transferS, busBytes / ringLl128BusCapBytesPerS);
    const latencyS = Math.max(0, c.baseLatencyS + steps * c.stepLatencyS - params.referenceLatencyS);
    if (best === undefined || latencyS + transferS < best.latencyS + best.transferS)
      best = { protocol, latencyS, transferS };
  }
  // The chosen protocol's steps take what the hardware takes (NVLS: its one latency, unchanged).
  const excess = algorithm === "in-switch" || !measuredSteps ? 0 : stepLatencyExcessS(params, technology);
  return best === undefined || excess === 0 ? best : { ...best, latencyS: best.latencyS + steps * excess };
}

/**
 * One NVLink ring step's measured latency beyond NCCL's constant for a scale-up technology (0: none known).
 * @example stepLatencyExcessS(builtinNcclProtocols(), "NVLink 5") // 8.6e-7
 */
export function stepLatencyExcessS(params: NcclProtocolParams, technology: string): number {
  return params.stepLatencyExcess.find((g) => g.match.test(technology))?.seconds ?? 0;
}

/**
 * How much longer NCCL's NVLS all-reduce takes than its bytes alone on one NVLink domain: each of
 * the generation's NVLS channels walks its share in loops of `heads` chunks (`nvlsHeads`) through a scatter →
 * reduce/multicast → gather pipeline, which costs `fillLoops` loops beyond the data. The chunk
 * shrinks with the message as NCCL's enqueue does, so the loop count per channel sets the factor.
 * 1 when the generation has no NVLS channel count in the data.
 * @example nvlsPipelineFactor(builtinNcclProtocols().nvlsPipeline, 2 ** 29, 32, "NVLink 5") // 24 channels × 32 heads × 64 KiB = 50.3 MB a loop: 1 + 2 × 50.3 MB / 536.9 MB ≈ 1.19
 */
export function nvlsPipelineFactor(
  p: NvlsPipelineParams,
  bytes: number,
  heads: number,
  technology: string,
  ncclVersion?: string,
): number {
  const channels = p.channels.find((c) => c.match.test(technology) && appliesToNccl(c, ncclVersion))?.value;
  if (channels === undefined || bytes <= 0 || heads < 2) return 1;
  return nvlsLoopFactor(bytes, channels * heads, p.maxChunkBytes, p.chunkSteps, p.fillLoops);
}

/**
 * Whether a version-bounded data entry holds for a run of `ncclVersion`: an entry with `ncclBefore`
 * only for runs of an older NCCL, one without it for every run (a run without a version is the newest).
 * @example appliesToNccl({ ncclBefore: "2.28.7" }, "2.27.3") // true
 */
export function appliesToNccl(entry: { readonly ncclBefore?: string }, ncclVersion?: string): boolean {
  return (
    entry.ncclBefore === undefined ||
    (ncclVersion !== undefined && compareVersions(ncclVersion, entry.ncclBefore) < 0)
  );
}

/**
 * 1 + `fillLoops` loops of `ops` chunks over `bytes`: the chunk starts at `maxChunkBytes` and steps
 * down as NCCL's enqueue does while the message is under `belowOps` chunks of `ops` (shared by
 * NVLS on one domain and NVLSTree across domains).
 */
export function nvlsLoopFactor(
  bytes: number,
  ops: number,
  maxChunkBytes: number,
  chunkSteps: NvlsPipelineParams["chunkSteps"],
  fillLoops: number,
): number {
  let chunk = maxChunkBytes;
  for (const step of chunkSteps)
    if (bytes < step.belowOps * ops * chunk && chunk > step.chunkBytes) chunk = step.chunkBytes;
  const loopBytes = Math.min(bytes, ops * chunk);
  return 1 + (fillLoops * loopBytes) / bytes;
}
