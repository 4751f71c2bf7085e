/**
 * What both collective engines report the same way: the total time (fixed software cost + latency
 * + transfer), the algorithm and bus bandwidths, and the bottleneck, which is latency whenever
 * latency and fixed cost outweigh the transfer.
 */
import { busFactor, type CollectiveResult, type EngineName, type LinkLoad } from "./collective-types.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { ncclProtocolTime, nvlsPipelineFactor } from "./nccl-protocols.ts";
import { ncclRingLatencyAcrossS } from "./nccl-ring.ts";
import { ncclTreePipelineFactor } from "./nccl-tree-pipeline.ts";
import { nvlsHeads, nvlsTreeMinTransferS, nvlsTreePipelineFactor } from "./nvls-limits.ts";
import type { ResolvedRequest } from "./resolve-request.ts";

/** An engine's own findings about one collective. */
export interface EngineTiming {
  readonly latencyS: number;
  readonly transferS: number;
  /** What limits the transfer (before the latency check). */
  readonly bottleneck: CollectiveResult["bottleneck"];
  readonly loadedLinks: readonly LinkLoad[];
}

/**
 * Assembles a collective's result from the resolved request and an engine's timing.
 * @example collectiveResult(resolveRequest(model, req), "analytic", { latencyS: 1e-5, transferS: 1e-3, bottleneck: "scale-up-access", loadedLinks: [] }).timeS
 */
export function collectiveResult(
  r: ResolvedRequest,
  engine: EngineName,
  timing: EngineTiming,
): CollectiveResult {
  const n = r.request.ranks;
  let { latencyS, transferS } = timing;
  // NCCL inside one NVLink domain: the protocol its tuner picks sets latency and bandwidth
  const p =
    r.ncclTechnology !== undefined
      ? ncclProtocolTime(
          builtinNcclProtocols(),
          r.algorithm,
          n,
          transferS,
          r.request.bytes * busFactor(r.request.op, n),
          r.ncclTechnology,
          r.request.op,
          r.request.engineKernel !== true,
          r.ncclRingLl128BusCap,
        )
      : undefined;
  if (p !== undefined) {
    latencyS = p.latencyS;
    transferS = p.transferS;
    // NVLS's scatter → reduce → gather pipeline fills and drains (one NVLink domain)
    if (r.algorithm === "in-switch" && r.request.op === "all-reduce")
      transferS *= nvlsPipelineFactor(
        builtinNcclProtocols().nvlsPipeline,
        r.request.bytes,
        nvlsHeads(n),
        r.ncclTechnology as string,
        r.request.ncclVersion,
      );
  }
  // NCCL's ring across NVLink domains: the latency its tuner charges (NVLink and network steps)
  if (r.ncclRing !== undefined)
    latencyS = ncclRingLatencyAcrossS(n, r.ncclRing.nodes, r.request.bytes, r.ncclRing.channels);
  // NVLSTree across NVLink domains: no faster than NCCL's own per-channel cap
  // (and its loops of heads × chunk fill and drain a pipeline through the tree)
  const t = r.nvlsTree;
  if (t !== undefined)
    transferS =
      Math.max(transferS, nvlsTreeMinTransferS(r.request.bytes, n, t.nodes, t.perNode, t.technology)) *
      nvlsTreePipelineFactor(r.request.bytes, t.nodes, t.perNode, t.technology);
  // NCCL's plain Tree across NVLink domains: a chunk pipeline 2 × depth edges long
  const pt = r.ncclTree;
  if (pt !== undefined)
    transferS *= ncclTreePipelineFactor(r.request.bytes, pt.nodes, pt.perNode, pt.channels);
  const timeS = r.fixedS + latencyS + transferS;
  const alg = timeS > 0 ? r.request.bytes / timeS : 0;
  return {
    op: r.request.op,
    algorithm: r.algorithm,
    engine,
    library: r.library,
    ranks: n,
    bytes: r.request.bytes,
    ...(p !== undefined ? { protocol: p.protocol } : {}),
    timeS,
    fixedS: r.fixedS,
    latencyS,
    transferS,
    algBandwidthBytesPerS: alg,
    busBandwidthBytesPerS: alg * busFactor(r.request.op, n),
    bottleneck: r.fixedS + latencyS > transferS ? "latency" : timing.bottleneck,
    bytesPerRank: r.bytesPerRank,
    loadedLinks: timing.loadedLinks,
  };
}
