/**
 * MoE dispatch and combine (expert parallelism): each rank sends tokensPerRank × topK token copies,
 * each to the rank that hosts the chosen expert, and gets them back after the expert MLP. Costed
 * analytically from the mechanism: bytes per tier over achievable bandwidth, the hottest rank's
 * extra load (expert-load imbalance), the one-way latency, the library's fixed cost and, for
 * kernels with few transfers in flight, Little's law (rate = in flight × message / round time),
 * capped by the kernels' per-copy work where they process copies one by one (moe-kernels.yaml).
 */

import { SupernodeError } from "../spec/index.ts";
import type { FabricTarget, LibraryId, LibraryParams, LinkTier } from "../topology/index.ts";
import type { LinkLoad, Transport } from "./collective-types.ts";
import { type FabricModel, fabricModel, peersByClass } from "./fabric-model.ts";
import { normalDispatchCopyOutS } from "./moe-copy-out.ts";
import { builtinMoeKernelParams } from "./moe-kernel-params.ts";
import { expectedDestinations, type MoeDestinations, type MoeRouting } from "./moe-routing.ts";
import { addClassBytes, emptyLoads, loadsTime, type TierLoads } from "./tier-loads.ts";

export interface MoeCommRequest {
  /** A system (ranks inside its scale-up domain) or a cluster (ranks may span systems). */
  readonly system: FabricTarget;
  /** Expert-parallel ranks (dies on CloudMatrix384, GPUs elsewhere), packed from rank 0. */
  readonly ranks: number;
  readonly tokensPerRank: number;
  readonly topK: number;
  /** Bytes of one token copy on the wire (e.g. 7,680 for INT8 + scales, 14,336 for BF16 hidden 7,168). */
  readonly bytesPerToken: number;
  /** Token copies the hottest rank handles ÷ the mean (≥ 1; 1 = perfectly balanced experts). */
  readonly imbalance?: number;
  /**
   * Where the kernels send one copy per destination domain to the same-index rank, which forwards
   * it inside the domain (normal kernels with `normalModeDeduplication: node`, ranks beyond one
   * domain): the hottest domain's received tokens ÷ the mean, which its NICs carry (1 … `imbalance`;
   * default `imbalance`). The forwarding inside the domain keeps `imbalance`.
   */
  readonly railImbalance?: number;
  /** Only "packed" (consecutive ranks) for now. */
  readonly placement?: "packed";
  /** Absent: cann-ep on UB, deepep elsewhere. */
  readonly library?: LibraryId;
  /** "scale-out": every copy goes over the NICs (DeepEP low-latency kernels before NVLink support). */
  readonly transport?: Transport;
  /**
   * Which kernels: `normal` (throughput kernels, used for prefill) sends one copy per destination
   * rank or node where the library deduplicates (`normalModeDeduplication`); `low-latency`
   * (default, decode) one copy per top-k expert.
   */
  readonly kernels?: "normal" | "low-latency";
  /** Where experts live and how tokens pick them; needed for deduplication (else top-k copies). */
  readonly routing?: MoeRouting;
}

export interface MoeCommResult {
  readonly timeS: number;
  readonly fixedS: number;
  readonly latencyS: number;
  readonly transferS: number;
  readonly bottleneck: LinkTier | "latency" | "rank-injection";
  /** Bytes an average rank sends to other ranks. */
  readonly bytesPerRank: number;
  /** Bytes the hottest rank receives (dispatch) or sends (combine). */
  readonly hottestRankBytes: number;
  /** All token copies of a rank (local included) ÷ time: the "bandwidth per rank" papers report. */
  readonly bandwidthPerRankBytesPerS: number;
  /** Injection rate bound from transfers in flight, when the library has one. */
  readonly rateCapBytesPerS?: number;
  /** Copies per token actually sent, when the kernels deduplicate (else top-k copies). */
  readonly deduplication?: { readonly unit: "rank" | "node"; readonly destinations: MoeDestinations };
  readonly library: LibraryId;
  readonly loadedLinks: readonly LinkLoad[];
}

export type MoeDirection = "dispatch" | "combine";
type Direction = MoeDirection;

function moeTime(req: MoeCommRequest, direction: Direction): MoeCommResult {
  const model = fabricModel(req.system);
  const imbalance = checkedImbalance(req, model);
  const n = req.ranks;
  const library = req.library ?? model.defaultMoeLibrary;
  const lib = model.params.libraries[library];
  const scaleOut = req.transport === "scale-out";
  const all = req.tokensPerRank * req.topK * req.bytesPerToken;
  const c = peersByClass(model, n);
  const { latencySum, top } = peerLatencies(model, c, scaleOut);
  const { loads, remote, deduplication, railForwarded } = tierBytes(req, model, lib, c, all);
  // The library's kernels, not the NIC, set the RDMA rate: per-token writes from GPU threads
  // (low-latency) and the normal kernels' chunked RDMA sends reach less of the NIC than NCCL's bulk.
  const nicFraction =
    req.kernels === "normal" ? lib.normalModeScaleOutFraction?.value : lib.lowLatencyScaleOutFraction?.value;
  if (nicFraction !== undefined && nicFraction > 0)
    loads.scaleOut *= model.scaleOutTech.writeFraction.value / nicFraction;
  // the hottest rank's own links carry `imbalance` × the mean; the core tiers carry the aggregate.
  // Forwarded through the same-index rank, a domain's RDMA copies spread over all its NICs.
  loads.d2d *= imbalance;
  loads.access *= imbalance;
  loads.scaleOut *= railForwarded ? Math.min(imbalance, req.railImbalance ?? imbalance) : imbalance;
  const t = loadsTime(model, loads);
  let transferS = t.seconds;
  let bottleneck: MoeCommResult["bottleneck"] = t.bottleneck ?? "latency";
  // Low-latency kernels' per-call cost on the scale-up path, concurrent with their RDMA part.
  const upFixed = req.kernels === "normal" || scaleOut ? undefined : lib.lowLatencyScaleUpFixedCostS?.value;
  if (upFixed !== undefined && upFixed > 0 && n > 1 && loads.d2d + loads.access > 0) {
    const up = loadsTime(model, { ...loads, scaleOut: 0, scaleOutCore: 0 }).seconds + upFixed;
    if (up > transferS) {
      transferS = up;
      bottleneck = "latency";
    }
  }
  const rateCap = injectionRateCap(req, model, lib, library, latencySum);
  if (rateCap !== undefined) {
    const injected = direction === "combine" ? remote * imbalance : remote;
    if (injected / rateCap > transferS) {
      transferS = injected / rateCap;
      bottleneck = "rank-injection";
    }
  }
  // Normal dispatch kernels that pull in (local expert, source) order after a barrier: hot sources.
  transferS += normalDispatchCopyOutS(req, model, library, direction, remote * imbalance);
  // A kernel's fixed cost (launch, flag barriers between the ranks), paid however few the tokens.
  const fixedS = n > 1 ? lib.fixedCostS.value : 0;
  const latencyS = n > 1 ? top : 0;
  // A combine that pulls its inputs with remote reads waits a read round trip per token however
  // few the tokens; with many tokens in flight the reads overlap the transfer.
  const readS = direction === "combine" && n > 1 ? (lib.combineReadLatencyS?.value ?? 0) : 0;
  transferS = Math.max(transferS, readS);
  const timeS = fixedS + latencyS + transferS;
  if (fixedS + latencyS > transferS) bottleneck = "latency";
  return {
    timeS,
    fixedS,
    latencyS,
    transferS,
    bottleneck,
    bytesPerRank: remote,
    hottestRankBytes: remote * imbalance,
    bandwidthPerRankBytesPerS: timeS > 0 ? all / timeS : 0,
    rateCapBytesPerS: rateCap,
    ...(deduplication !== undefined && { deduplication }),
    library,
    loadedLinks: t.report,
  };
}

/** The request's imbalance (default 1), after checking the ranks, the sizes and both imbalances. */
function checkedImbalance(req: MoeCommRequest, model: FabricModel): number {
  const n = req.ranks;
  if (!Number.isInteger(n) || n < 1 || n > model.totalRanks)
    throw new SupernodeError(
      "invalid-value",
      `ranks must be a whole number from 1 to ${model.totalRanks} (got ${n})`,
      {
        fieldPath: ["ranks"],
      },
    );
  for (const key of ["tokensPerRank", "topK", "bytesPerToken"] as const)
    if (!Number.isFinite(req[key]) || req[key] < 0)
      throw new SupernodeError("invalid-value", `${key} must be a non-negative number (got ${req[key]})`, {
        fieldPath: [key],
      });
  for (const key of ["imbalance", "railImbalance"] as const) {
    const value = req[key];
    if (value !== undefined && !(value >= 1))
      throw new SupernodeError(
        "invalid-value",
        `${key} is hottest ÷ mean load and must be ≥ 1 (got ${value})`,
        { fieldPath: [key] },
      );
  }
  return req.imbalance ?? 1;
}

type PeerClasses = ReturnType<typeof peersByClass>;

/** Σ peers × one-way latency over the peer classes, and the longest one. */
function peerLatencies(
  model: FabricModel,
  c: PeerClasses,
  scaleOut: boolean,
): { latencySum: number; top: number } {
  let latencySum = 0;
  let top = 0;
  for (let k = 0; k < 4; k++) {
    const peers = c[k] ?? 0;
    if (peers === 0) continue;
    const lat = scaleOut ? model.scaleOutLatencyS : (model.latencyS[k as 0] ?? 0);
    latencySum += peers * lat;
    top = Math.max(top, lat);
  }
  return { latencySum, top };
}

/**
 * Bytes per tier of an average rank's copies (before the NIC and imbalance factors), the bytes it
 * sends to other ranks, and the deduplication when the kernels send one copy per destination.
 */
function tierBytes(
  req: MoeCommRequest,
  model: FabricModel,
  lib: LibraryParams,
  c: PeerClasses,
  all: number,
): {
  loads: TierLoads;
  remote: number;
  deduplication: MoeCommResult["deduplication"];
  /** RDMA copies go once per destination domain to the same-index rank, which forwards them. */
  railForwarded: boolean;
} {
  const n = req.ranks;
  const scaleOut = req.transport === "scale-out";
  const loads = emptyLoads();
  const dedupUnit =
    req.routing === undefined
      ? undefined
      : req.kernels === "normal"
        ? lib.normalModeDeduplication?.value
        : lib.lowLatencyDeduplication?.value;
  let deduplication: MoeCommResult["deduplication"];
  let railForwarded = false;
  let remote = (all * (n - 1)) / n;
  if (dedupUnit !== undefined && req.routing !== undefined && n > 1) {
    const domain = model.ranksPerSystem;
    const d = expectedDestinations(req.routing, req.topK, n, domain);
    deduplication = { unit: dedupUnit, destinations: d };
    const perToken = req.tokensPerRank * req.bytesPerToken;
    if (dedupUnit === "rank" || n <= domain || scaleOut) {
      remote = perToken * d.remoteRanksPerToken;
      for (let k = 0; k < 4; k++) addClassBytes(model, loads, k, (remote * (c[k] ?? 0)) / (n - 1), scaleOut);
    } else {
      // one RDMA copy per remote domain to the same-index rank (same rail), then NVLink fan-out
      const rdma = perToken * d.remoteServersPerToken;
      loads.scaleOut += rdma;
      const inDomain = (c[0] ?? 0) + (c[1] ?? 0) + (c[2] ?? 0);
      const fanOut = (perToken * d.ranksPerToken * inDomain) / (inDomain + 1);
      for (let k = 0; k < 3; k++) addClassBytes(model, loads, k, (fanOut * (c[k] ?? 0)) / inDomain, false);
      remote = rdma + fanOut;
      railForwarded = true;
    }
    const kernelFraction = lib.normalModeScaleUpFraction?.value;
    if (kernelFraction !== undefined && kernelFraction > 0) {
      // the kernels' copy engines, not the link, set the scale-up rate
      const slowdown = model.scaleUpTech.writeFraction.value / kernelFraction;
      loads.access *= slowdown;
      loads.d2d *= slowdown;
    }
  } else {
    for (let k = 0; k < 4; k++) {
      const peers = c[k] ?? 0;
      if (peers > 0) addClassBytes(model, loads, k, (all * peers) / n, scaleOut);
    }
  }
  return { loads, remote, deduplication, railForwarded };
}

/**
 * A rank's injection rate bound, when the library has one: Little's law over the transfers in
 * flight, and no faster than the kernels' per-copy work.
 */
function injectionRateCap(
  req: MoeCommRequest,
  model: FabricModel,
  lib: LibraryParams,
  library: LibraryId,
  latencySum: number,
): number | undefined {
  const n = req.ranks;
  const inFlight = lib.outstandingTransfers?.value;
  const perCopy = builtinMoeKernelParams()[library].perCopyCostS?.value;
  if ((inFlight === undefined && perCopy === undefined) || n <= 1 || req.bytesPerToken <= 0) return undefined;
  const meanLatency = latencySum / (n - 1);
  const linkBw = req.transport === "scale-out" ? model.scaleOutBytesPerS : model.accessBytesPerS;
  const littles =
    inFlight === undefined
      ? Number.POSITIVE_INFINITY
      : (inFlight * req.bytesPerToken) / (meanLatency + req.bytesPerToken / linkBw);
  return Math.min(littles, perCopy === undefined ? Number.POSITIVE_INFINITY : req.bytesPerToken / perCopy);
}

/**
 * MoE dispatch time (tokens to their experts).
 * @example moeDispatchTime({ system: cm384, ranks: 256, tokensPerRank: 128, topK: 8, bytesPerToken: 7680 }).timeS
 */
export function moeDispatchTime(req: MoeCommRequest): MoeCommResult {
  return moeTime(req, "dispatch");
}

/**
 * MoE combine time (expert outputs back to their tokens' ranks).
 * @example moeCombineTime({ system: cm384, ranks: 256, tokensPerRank: 128, topK: 8, bytesPerToken: 14336 }).timeS
 */
export function moeCombineTime(req: MoeCommRequest): MoeCommResult {
  return moeTime(req, "combine");
}
