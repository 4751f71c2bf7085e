/**
 * The analytical cost engine: closed forms per algorithm over the per-tier view of the fabric
 * (`FabricModel`). Each step costs its one-way latency plus the time its bytes take on the
 * bottleneck tier; the collective adds the library's fixed cost. No graph, no allocation beyond the
 * result: a call takes microseconds.
 */

import { SupernodeError } from "../spec/index.ts";
import type { LinkTier } from "../topology/index.ts";
import { collectiveResult } from "./collective-result.ts";
import type { Algorithm, CollectiveRequest, CollectiveResult, LinkLoad } from "./collective-types.ts";
import { type FabricModel, peersByClass } from "./fabric-model.ts";
import { dtreeMaxEdges } from "./nccl-trees.ts";
import { nvlsBytesPerRank, treeHeads } from "./nvls-limits.ts";
import { resolveRequest } from "./resolve-request.ts";
import { treeDepth } from "./schedules.ts";
import { addClassBytes, emptyLoads, loadsTime, type TierLoads } from "./tier-loads.ts";

interface Part {
  latencyS: number;
  transferS: number;
  bottleneck: LinkTier | undefined;
  report: LinkLoad[];
}

function highestClass(c: readonly number[]): number {
  for (let k = 3; k >= 0; k--) if ((c[k] ?? 0) > 0) return k;
  return 0;
}

/** Per-rank loads of one ring step carrying `chunk` bytes (all channels together). */
function ringStepLoads(model: FabricModel, n: number, chunk: number): TierLoads {
  const c = peersByClass(model, n);
  const loads = emptyLoads();
  if (c[0] > 0) loads.d2d = chunk;
  // across servers, one of a server's rank per channel sends over its NIC instead of the scale-up fabric
  if (c[1] + c[2] > 0)
    loads.access = c[3] > 0 ? (chunk * (model.ranksPerServer - 1)) / model.ranksPerServer : chunk;
  if (c[2] > 0) loads.core = chunk / model.ranksPerServer;
  // one ring channel per NIC of a server: a server's crossing traffic is spread over its NICs
  if (c[3] > 0) loads.scaleOut = chunk / model.ranksPerServer;
  return loads;
}

function ringPart(model: FabricModel, n: number, bytes: number, steps: number): Part {
  const c = peersByClass(model, n);
  const step = loadsTime(model, ringStepLoads(model, n, bytes / n));
  const alpha = model.latencyS[highestClass(c) as 0] ?? 0;
  return {
    latencyS: steps * alpha,
    transferS: steps * step.seconds,
    bottleneck: step.bottleneck,
    report: step.report,
  };
}

/** One phase in which every rank sends `perPeer` bytes to each peer (uniform all-to-all). */
function directPart(model: FabricModel, n: number, perPeer: number, scaleOut: boolean): Part {
  const c = peersByClass(model, n);
  const loads = emptyLoads();
  for (let k = 0; k < 4; k++) addClassBytes(model, loads, k, (c[k] ?? 0) * perPeer, scaleOut);
  const t = loadsTime(model, loads);
  const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[highestClass(c) as 0] ?? 0);
  return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}

function matrixPart(model: FabricModel, n: number, matrix: Float64Array, scaleOut: boolean): Part {
  const worst = emptyLoads();
  const serverCore = new Float64Array(Math.ceil(n / model.ranksPerServer));
  const serverOut = new Float64Array(serverCore.length);
  let top = 0;
  const cls = (i: number, j: number) =>
    Math.floor(i / model.ranksPerPackage) === Math.floor(j / model.ranksPerPackage)
      ? 0
      : Math.floor(i / model.ranksPerServer) === Math.floor(j / model.ranksPerServer)
        ? 1
        : Math.floor(i / model.ranksPerSystem) === Math.floor(j / model.ranksPerSystem)
          ? 2
          : 3;
  for (let i = 0; i < n; i++) {
    const send = emptyLoads();
    const recv = emptyLoads();
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const k = cls(i, j);
      if (k > top) top = k;
      addClassBytes(model, send, k, matrix[i * n + j] ?? 0, scaleOut);
      addClassBytes(model, recv, k, matrix[j * n + i] ?? 0, scaleOut);
    }
    for (const key of ["d2d", "access", "scaleOut"] as const)
      worst[key] = Math.max(worst[key], send[key], recv[key]);
    const s = Math.floor(i / model.ranksPerServer);
    serverCore[s] = (serverCore[s] ?? 0) + Math.max(send.core, recv.core);
    serverOut[s] = (serverOut[s] ?? 0) + Math.max(send.scaleOutCore, recv.scaleOutCore);
  }
  for (let s = 0; s < serverCore.length; s++) {
    worst.core = Math.max(worst.core, (serverCore[s] ?? 0) / model.ranksPerServer);
    worst.scaleOutCore = Math.max(worst.scaleOutCore, (serverOut[s] ?? 0) / model.ranksPerServer);
  }
  const t = loadsTime(model, worst);
  const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[top as 0] ?? 0);
  return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}

/** Bytes per rank per direction of an NVLS all-reduce among `n` ranks (S plus a head's slice, `nvlsBytesPerRank`), inflated by its lower achievable fraction. */
function inSwitchBytes(model: FabricModel, n: number, S: number): number {
  return nvlsBytesPerRank(n, S) * model.inSwitchInflation;
}

/**
 * NCCL's Tree (NVLSTree where the switches reduce) across servers of different systems: inside
 * each server a chain (or an NVLS reduce-scatter / all-gather), and the ranks of one local index
 * in NCCL's double binary tree over the servers, reduce going up while broadcast comes down. Each
 * tree edge carries half of the channel's share S/ranksPerServer each way, and the busiest server
 * has 2 edges over both trees with two servers, 3 with three (each tree is a chain and every
 * server is a leaf in one), 4 from four on (an inner node with two children and a parent is a leaf
 * in the other tree) — `dtreeMaxEdges`. The channel share is S over the local ranks that send
 * across (`treeHeads`: all of them, or NVLSTree's at most 32 NVLS heads, each with its NIC). Tiers
 * are busy at once (pipelined chunks), so the slowest tier sets the time. A communicator with NVLS
 * off (`inSwitch: false`, NCCL_NVLS_ENABLE=0) runs NCCL's plain Tree: a chain inside each domain.
 */
function treeAcrossSystems(model: FabricModel, n: number, S: number, inSwitch: boolean): Part {
  const rps = model.ranksPerSystem;
  const servers = n / rps;
  const nvls = model.inSwitchReduction && inSwitch;
  const loads = emptyLoads();
  loads.scaleOut =
    (dtreeMaxEdges(servers) * S) / treeHeads({ ranksPerSystem: rps, inSwitchReduction: nvls }) / 2;
  if (rps > 1) loads.access = nvls ? inSwitchBytes(model, rps, S) : (2 * S * (rps - 1)) / rps;
  const t = loadsTime(model, loads);
  const depth = Math.ceil(Math.log2(servers));
  const intra = rps > 1 ? (nvls ? 1 : rps - 1) * model.latencyS[1] : 0;
  return {
    latencyS: 2 * (intra + depth * model.latencyS[3]),
    transferS: t.seconds,
    bottleneck: t.bottleneck,
    report: t.report,
  };
}

/**
 * The all-reduce algorithm NCCL's tuner would pick: the fastest of those the fabric offers
 * (ring; tree; in-switch inside one NVLS domain), timed by this engine.
 * @example bestAllReduce(fabricModel(dgxB200Cluster), { op: "all-reduce", bytes: 2 ** 33, ranks: 16 }) // "tree"
 */
export function bestAllReduce(model: FabricModel, request: CollectiveRequest): Algorithm {
  const n = request.ranks;
  const candidates: Algorithm[] = ["ring", "tree"];
  if (model.inSwitchReduction && n <= model.ranksPerSystem && request.inSwitch !== false)
    candidates.push("in-switch");
  let best: Algorithm = "ring";
  let bestS = Number.POSITIVE_INFINITY;
  for (const algorithm of candidates) {
    const t = analyticCollective(model, { ...request, algorithm }).timeS;
    if (t < bestS) {
      bestS = t;
      best = algorithm;
    }
  }
  return best;
}

/** One all-reduce with the given algorithm (ring, tree, in-switch, hierarchical). */
function allReducePart(model: FabricModel, req: CollectiveRequest, algorithm: Algorithm): Part {
  const n = req.ranks;
  const S = req.bytes;
  const c = peersByClass(model, n);
  switch (algorithm) {
    case "ring":
      return ringPart(model, n, S, 2 * (n - 1));
    case "tree": {
      if (c[3] > 0 && n % model.ranksPerSystem === 0)
        return treeAcrossSystems(model, n, S, req.inSwitch !== false);
      const depth = treeDepth(model, n);
      const step = loadsTime(model, ringStepLoads(model, n, S));
      const alpha = model.latencyS[highestClass(c) as 0] ?? 0;
      return {
        latencyS: 2 * depth * alpha,
        transferS: 2 * step.seconds,
        bottleneck: step.bottleneck,
        report: step.report,
      };
    }
    case "in-switch": {
      const loads = emptyLoads();
      loads.access = inSwitchBytes(model, n, S);
      const t = loadsTime(model, loads);
      return {
        latencyS: model.latencyS[1],
        transferS: t.seconds,
        bottleneck: t.bottleneck,
        report: t.report,
      };
    }
    case "hierarchical": {
      const g = n > model.ranksPerSystem ? model.ranksPerSystem : Math.min(n, model.ranksPerServer);
      const m = Math.ceil(n / g);
      if (m === 1 || n % g !== 0) return ringPart(model, n, S, 2 * (n - 1));
      const inner = ringPart(model, g, S, g - 1);
      const outerClass = n > model.ranksPerSystem ? 3 : 2;
      const loads = emptyLoads();
      addClassBytes(model, loads, outerClass, S / g / m, false);
      // the outer rings join ranks of the same local index: same rail, no leaf uplink
      loads.scaleOutCore = 0;
      const step = loadsTime(model, loads);
      const steps = 2 * (m - 1);
      const outer = { latencyS: steps * (model.latencyS[outerClass] ?? 0), transferS: steps * step.seconds };
      const worse = outer.transferS > 2 * inner.transferS ? step : inner;
      return {
        latencyS: 2 * inner.latencyS + outer.latencyS,
        transferS: 2 * inner.transferS + outer.transferS,
        bottleneck: worse.bottleneck,
        report: worse.report,
      };
    }
    case "direct":
      throw new SupernodeError(
        "unsupported",
        "all-reduce has no direct algorithm (use ring, tree, in-switch or hierarchical)",
      );
  }
  throw new SupernodeError("unsupported", `${algorithm} is not an algorithm for all-reduce`);
}

function algorithmPart(
  model: FabricModel,
  req: CollectiveRequest,
  algorithm: Algorithm,
  scaleOut: boolean,
): Part {
  const n = req.ranks;
  const S = req.bytes;
  const c = peersByClass(model, n);
  switch (req.op) {
    case "all-reduce":
      return allReducePart(model, req, algorithm);
    case "all-gather":
    case "reduce-scatter":
      return ringPart(model, n, S, n - 1);
    case "broadcast": {
      const step = loadsTime(model, ringStepLoads(model, n, S));
      return {
        latencyS: (n - 1) * (model.latencyS[highestClass(c) as 0] ?? 0),
        transferS: step.seconds,
        bottleneck: step.bottleneck,
        report: step.report,
      };
    }
    case "all-to-all":
      return directPart(model, n, S / n, scaleOut);
    case "all-to-all-v": {
      if (req.matrix === undefined)
        throw new SupernodeError("usage", "all-to-all-v needs a matrix of bytes per (source, destination)");
      return matrixPart(model, n, req.matrix, scaleOut);
    }
    case "send-recv": {
      const k = highestClass(c);
      const loads = emptyLoads();
      addClassBytes(model, loads, k, S, scaleOut);
      loads.core = 0;
      loads.scaleOutCore = 0;
      const t = loadsTime(model, loads);
      const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[k as 0] ?? 0);
      return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
    }
  }
  throw new SupernodeError("unsupported", `${algorithm} is not an algorithm for ${req.op}`);
}

/**
 * Time of one collective with the analytical engine.
 * @example analyticCollective(fabricModel(hgxH100), { op: "all-reduce", bytes: 2 ** 30, ranks: 8 }).busBandwidthBytesPerS
 */
export function analyticCollective(model: FabricModel, request: CollectiveRequest): CollectiveResult {
  if (
    request.op === "all-reduce" &&
    request.algorithm === undefined &&
    request.ranks > 1 &&
    request.bytes > 0
  )
    return analyticCollective(model, { ...request, algorithm: bestAllReduce(model, request) });
  const r = resolveRequest(model, request);
  const n = r.request.ranks;
  // NCCL returns at once for a zero-element collective: nothing is launched or sent
  const part =
    n <= 1 || r.request.bytes === 0
      ? { latencyS: 0, transferS: 0, bottleneck: undefined, report: [] }
      : algorithmPart(model, r.request, r.algorithm, r.scaleOut);
  let transferS = part.transferS;
  let bottleneck: CollectiveResult["bottleneck"] = part.bottleneck ?? "latency";
  const cap = r.request.rankRateCapBytesPerS;
  if (cap !== undefined && cap > 0 && r.bytesPerRank / cap > transferS) {
    transferS = r.bytesPerRank / cap;
    bottleneck = "rank-injection";
  }
  return collectiveResult(r, "analytic", {
    latencyS: part.latencyS,
    transferS,
    bottleneck,
    loadedLinks: part.report,
  });
}
