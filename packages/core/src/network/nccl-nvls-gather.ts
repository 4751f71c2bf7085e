/**
 * NVLS for all-gather and reduce-scatter inside one NVLink domain, chosen as NCCL's tuner chooses
 * it (`src/graph/tuning.cc` ncclTopoTuneModel, `src/enqueue.cc`, `src/graph/search.cc`): offered
 * from 3 GPUs up to NCCL_MAX_NVLS_ARITY (32) local ranks, and run where NCCL's own estimate for it
 * (25 µs + S / its NVLS bus bandwidth) beats its estimate for the ring's best protocol. The chosen
 * algorithm is then timed by the fabric model (`nccl-protocols.yaml` `nvlsGather`).
 */
import type { Algorithm, CollectiveRequest } from "./collective-types.ts";
import type { FabricModel } from "./fabric-model.ts";
import { ncclRingSearchOneNode, ringLl128BusCap } from "./nccl-ll128-cap.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { appliesToNccl, type NcclProtocolParams } from "./nccl-protocols.ts";

/**
 * Whether NCCL offers NVLS to this all-gather / reduce-scatter: NCCL on an NVLink domain whose
 * switches reduce, NVLS not turned off (`inSwitch`), 3 (2 from NCCL 2.28.7) to 32 ranks (at most
 * the NVLS heads) inside one system.
 */
export function nvlsGatherOffered(
  model: FabricModel,
  request: CollectiveRequest,
  p: NcclProtocolParams = builtinNcclProtocols(),
): boolean {
  const n = request.ranks;
  return (
    (request.op === "all-gather" || request.op === "reduce-scatter") &&
    model.inSwitchReduction &&
    model.scaleUpTech.id === "nvlink" &&
    (request.library ?? model.defaultLibrary) === "nccl" &&
    request.inSwitch !== false &&
    request.transport !== "scale-out" &&
    n >= nvlsMinRanks(p, request.ncclVersion) &&
    n <= Math.min(model.ranksPerSystem, p.nvlsMaxHeads)
  );
}

/** Fewest GPUs on which the run's NCCL sets NVLS up (the newest rule for a run without a version). */
export function nvlsMinRanks(p: NcclProtocolParams, ncclVersion?: string): number {
  return p.nvlsGather.minRanks.find((r) => appliesToNccl(r, ncclVersion))?.value ?? 2;
}

/** NCCL's tuner estimates (s) for a ring and an NVLS all-gather / reduce-scatter of `bytes` over `ranks` GPUs. */
export interface NcclGatherEstimate {
  readonly ringS: number;
  readonly nvlsS: number;
}

/**
 * NCCL's own estimates, from its constants and graph bandwidths: the ring graph runs as many
 * channels of the fastest intra-node speed as a GPU's NVLink (`nvlinkBytesPerS`) holds; the NVLS
 * graph min(ranks, 32) channels at the fastest speed with (channels + 1) × speed within it; the
 * NVLS bus bandwidth follows the version's rule. Undefined when the generation has no speeds.
 * @example ncclGatherEstimate(16, 16e6, 721.8e9, "NVLink 5") // NVLS 16 × 40 GB/s × 0.74 × (15/16)²: 25 µs + 16 MB / 416 GB/s
 */
export function ncclGatherEstimate(
  ranks: number,
  bytes: number,
  nvlinkBytesPerS: number,
  technology: string,
  ncclVersion?: string,
  p: NcclProtocolParams = builtinNcclProtocols(),
): NcclGatherEstimate | undefined {
  const g = p.nvlsGather;
  const speeds = g.intraChannelSpeeds.find((e) => e.match.test(technology))?.bytesPerS;
  const nvls = p.algorithms["in-switch"]?.simple;
  if (speeds === undefined || speeds.length === 0 || nvls === undefined) return undefined;
  const n = ranks;
  const ringGraph = ncclRingSearchOneNode(speeds, nvlinkBytesPerS);
  if (ringGraph === undefined) return undefined;
  const ringBus = ringGraph.channels * ringGraph.speed;
  const llCap = p.llMaxBusBandwidth.find((e) => e.match.test(technology))?.bytesPerS;
  const ll128Cap = ringLl128BusCap(p, nvlinkBytesPerS, technology, ncclVersion);
  let ringS = Number.POSITIVE_INFINITY;
  for (const c of Object.entries(p.algorithms.ring ?? {})) {
    const [protocol, cost] = c;
    let bw = ringBus * cost.bandwidthFactor;
    if (protocol === "ll" && llCap !== undefined) bw = Math.min(bw, llCap);
    if (protocol === "ll128" && ll128Cap !== undefined) bw = Math.min(bw, ll128Cap);
    ringS = Math.min(ringS, cost.baseLatencyS + (n - 1) * cost.stepLatencyS + (bytes * (n - 1)) / n / bw);
  }
  const channels = Math.min(n, p.nvlsMaxHeads);
  const speed = speeds.find((s) => (channels + 1) * s <= nvlinkBytesPerS) ?? (speeds.at(-1) as number);
  const rule = g.rules.find((r) => appliesToNccl(r, ncclVersion))?.rule ?? "efficiency";
  const eff = g.efficiency.find((e) => e.match.test(technology))?.value ?? 1;
  const perChannel =
    rule === "channels"
      ? speed
      : rule === "capped"
        ? Math.min((speed * (n - 1)) / n, 0.9 * speed)
        : (((speed * eff * (channels - 1)) / channels) * (n - 1)) / n;
  const nvlsS = nvls.baseLatencyS + nvls.stepLatencyS + bytes / (channels * perChannel);
  return { ringS, nvlsS };
}

/**
 * The algorithm NCCL's tuner would run for an all-gather or reduce-scatter: in-switch (NVLS) where
 * it is offered and NCCL's estimate for it is lower than for the ring, else the ring.
 * @example gatherAlgorithm(fabricModel(gb200Nvl72), { op: "all-gather", bytes: 16e6, ranks: 32 }) // "in-switch"
 */
export function gatherAlgorithm(model: FabricModel, request: CollectiveRequest): Algorithm {
  if (!nvlsGatherOffered(model, request) || request.bytes <= 0) return "ring";
  const e = ncclGatherEstimate(
    request.ranks,
    request.bytes,
    model.accessBytesPerS,
    model.system.scaleUp.technology,
    request.ncclVersion,
  );
  return e !== undefined && e.nvlsS < e.ringS ? "in-switch" : "ring";
}
