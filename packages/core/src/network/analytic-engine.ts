/**
 * The analytical cost engine: closed forms per algorithm over the per-tier view of the fabric
 * (`FabricModel`). Each step costs its one-way latency plus the time its bytes take on the
 * bottleneck tier; the collective adds the library's fixed cost. No graph, no allocation beyond the
 * result: a call takes microseconds. The closed forms: analytic-part.ts (ring, uniform exchange,
 * send), analytic-all-reduce.ts (all-reduce algorithms), analytic-all-to-all-v.ts.
 */

import { SupernodeError } from "../spec/index.ts";
import { allReducePart } from "./analytic-all-reduce.ts";
import { matrixPart } from "./analytic-all-to-all-v.ts";
import {
  directPart,
  highestClass,
  inSwitchPart,
  type Part,
  ringPart,
  ringStepLoads,
  sendPart,
} from "./analytic-part.ts";
import { collectiveResult } from "./collective-result.ts";
import type { Algorithm, CollectiveRequest, CollectiveResult } from "./collective-types.ts";
import { type FabricModel, peersByClass } from "./fabric-model.ts";
import { communicatorView } from "./full-mesh.ts";
import { gatherAlgorithm } from "./nccl-nvls-gather.ts";
import { resolveRequest } from "./resolve-request.ts";
import { loadsTime } from "./tier-loads.ts";

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

/**
 * The algorithm NCCL picks for a request that names none (both engines run it): the fastest
 * all-reduce (`bestAllReduce`), NVLS or ring for an all-gather / reduce-scatter (`gatherAlgorithm`);
 * undefined where the request names one or the op has a single algorithm.
 */
export function tunerAlgorithm(model: FabricModel, request: CollectiveRequest): Algorithm | undefined {
  if (request.algorithm !== undefined) return undefined;
  if (request.op === "all-reduce")
    return request.ranks > 1 && request.bytes > 0 ? bestAllReduce(model, request) : undefined;
  if (request.op === "all-gather" || request.op === "reduce-scatter") return gatherAlgorithm(model, request);
  return undefined;
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
    case "reduce-scatter": {
      // NVLS: every rank receives the whole output (all-gather) or has its whole input read by
      // the switches (reduce-scatter), S one way, at the NVLS achievable fraction
      return algorithm === "in-switch" ? inSwitchPart(model, S) : ringPart(model, n, S, n - 1);
    }
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
    case "send-recv":
      return sendPart(model, n, S, scaleOut);
  }
  throw new SupernodeError("unsupported", `${algorithm} is not an algorithm for ${req.op}`);
}

/**
 * Time of one collective with the analytical engine.
 * @example analyticCollective(fabricModel(hgxH100), { op: "all-reduce", bytes: 2 ** 30, ranks: 8 }).busBandwidthBytesPerS
 */
export function analyticCollective(model: FabricModel, request: CollectiveRequest): CollectiveResult {
  const chosen = tunerAlgorithm(model, request);
  if (chosen !== undefined) return analyticCollective(model, { ...request, algorithm: chosen });
  const r = resolveRequest(model, request);
  const n = r.request.ranks;
  // NCCL returns at once for a zero-element collective: nothing is launched or sent
  const part =
    n <= 1 || r.request.bytes === 0
      ? { latencyS: 0, transferS: 0, bottleneck: undefined, report: [] }
      : algorithmPart(communicatorView(model, n), r.request, r.algorithm, r.scaleOut);
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
