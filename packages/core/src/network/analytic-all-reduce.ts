/**
 * The analytical engine's all-reduce algorithms: ring, tree (NCCL's double binary tree, across
 * systems NVLSTree or plain Tree), in-switch reduction (NVLS) and hierarchical rings.
 */
import { SupernodeError } from "../spec/index.ts";
import { highestClass, inSwitchPart, type Part, ringPart, ringStepLoads } from "./analytic-part.ts";
import type { Algorithm, CollectiveRequest } from "./collective-types.ts";
import { type FabricModel, peersByClass } from "./fabric-model.ts";
import { dtreeMaxEdges } from "./nccl-trees.ts";
import { nvlsBytesPerRank, treeHeads } from "./nvls-limits.ts";
import { treeDepth } from "./schedules.ts";
import { addClassBytes, emptyLoads, loadsTime } from "./tier-loads.ts";

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
  if (rps > 1)
    loads.access = nvls ? nvlsBytesPerRank(rps, S) * model.inSwitchInflation : (2 * S * (rps - 1)) / rps;
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
 * The hierarchical all-reduce: rings inside each group (a system, else a server) around rings
 * across the groups joining ranks of one local index; a plain ring when there is one group or the
 * ranks do not fill the groups.
 */
function hierarchicalPart(model: FabricModel, n: number, S: number): Part {
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

/** One all-reduce with the given algorithm (ring, tree, in-switch, hierarchical). */
export function allReducePart(model: FabricModel, req: CollectiveRequest, algorithm: Algorithm): Part {
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
    case "in-switch":
      // S plus a head's slice per rank per direction (`nvlsBytesPerRank`)
      return inSwitchPart(model, nvlsBytesPerRank(n, S));
    case "hierarchical":
      return hierarchicalPart(model, n, S);
    case "direct":
      throw new SupernodeError(
        "unsupported",
        "all-reduce has no direct algorithm (use ring, tree, in-switch or hierarchical)",
      );
  }
  throw new SupernodeError("unsupported", `${algorithm} is not an algorithm for all-reduce`);
}
