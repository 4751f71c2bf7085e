/**
 * Checks a collective request against the fabric and fills in its defaults (algorithm, library,
 * transport), once, for both engines.
 */
import { SupernodeError } from "../spec/index.ts";
import type { LibraryId } from "../topology/index.ts";
import type { Algorithm, CollectiveOp, CollectiveRequest } from "./collective-types.ts";
import { type FabricModel, peersByClass } from "./fabric-model.ts";
import { ringLl128BusCap } from "./nccl-ll128-cap.ts";
import { nvlsGatherOffered, nvlsMinRanks } from "./nccl-nvls-gather.ts";
import { builtinNcclProtocols } from "./nccl-protocol-file.ts";
import { ringCrossing } from "./nccl-ring.ts";
import { ncclTreeChannels } from "./nccl-tree-pipeline.ts";
import { nvlsBytesPerRank } from "./nvls-limits.ts";

export interface ResolvedRequest {
  readonly request: CollectiveRequest;
  readonly algorithm: Algorithm;
  readonly library: LibraryId;
  readonly scaleOut: boolean;
  readonly fixedS: number;
  /** Bytes the busiest rank sends. */
  readonly bytesPerRank: number;
  /**
   * The NVLink technology label when NCCL runs this all-reduce inside one NVLink domain: the
   * engines' result then takes the protocol (LL / LL128 / Simple) NCCL's tuner would pick.
   */
  readonly ncclTechnology?: string;
  /** NCCL's cap on the ring's LL128 bus bandwidth in that domain (bytes/s; `nccl-ll128-cap.ts`). */
  readonly ncclRingLl128BusCap?: number;
  /**
   * NCCL's NVLSTree across NVLink domains (a tree all-reduce over whole systems whose switches
   * reduce): the domains and GPUs per domain, for the tuner's per-channel bandwidth cap.
   */
  readonly nvlsTree?: { readonly nodes: number; readonly perNode: number; readonly technology: string };
  /**
   * NCCL's plain Tree across NVLink domains (NVLS off or absent): the domains, GPUs per domain and
   * NCCL's execution channels, for its chunk pipeline (`nccl-tree-pipeline.ts`).
   */
  readonly ncclTree?: { readonly nodes: number; readonly perNode: number; readonly channels: number };
  /**
   * NCCL's ring all-reduce across NVLink domains: the domains and the ring's channels, for the
   * latency NCCL's tuner charges it (`nccl-ring.ts`).
   */
  readonly ncclRing?: { readonly nodes: number; readonly channels: number };
}

const ALLOWED: Readonly<Record<CollectiveOp, readonly Algorithm[]>> = {
  "all-reduce": ["ring", "tree", "in-switch", "hierarchical"],
  "all-gather": ["ring", "in-switch"],
  "reduce-scatter": ["ring", "in-switch"],
  broadcast: ["ring"],
  "all-to-all": ["direct"],
  "all-to-all-v": ["direct"],
  "send-recv": ["direct"],
};

function defaultAlgorithm(model: FabricModel, op: CollectiveOp, n: number): Algorithm {
  switch (op) {
    case "all-reduce":
      return model.inSwitchReduction && n <= model.ranksPerSystem && n > 1 ? "in-switch" : "ring";
    case "all-gather":
    case "reduce-scatter":
    case "broadcast":
      return "ring";
    case "all-to-all":
    case "all-to-all-v":
    case "send-recv":
      return "direct";
  }
}

function sentBytes(req: CollectiveRequest, algorithm: Algorithm): number {
  const n = req.ranks;
  const S = req.bytes;
  if (n <= 1) return 0;
  switch (req.op) {
    case "all-reduce":
      return algorithm === "in-switch"
        ? nvlsBytesPerRank(n, S)
        : algorithm === "tree"
          ? S
          : (2 * (n - 1) * S) / n;
    case "all-gather":
    case "reduce-scatter":
      // NVLS: an all-gather multicasts the rank's slice once; the switches read a reduce-scatter's whole input
      if (algorithm === "in-switch") return req.op === "all-gather" ? S / n : S;
      return ((n - 1) * S) / n;
    case "all-to-all":
      return ((n - 1) * S) / n;
    case "broadcast":
    case "send-recv":
      return S;
    case "all-to-all-v": {
      let most = 0;
      const m = req.matrix;
      for (let i = 0; i < n && m !== undefined; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) if (j !== i) row += m[i * n + j] ?? 0;
        most = Math.max(most, row);
      }
      return most;
    }
  }
}

/** Validates and defaults a request. Throws a SupernodeError naming the bad field. */
export function resolveRequest(model: FabricModel, request: CollectiveRequest): ResolvedRequest {
  const n = request.ranks;
  if (!Number.isInteger(n) || n < 1 || n > model.totalRanks)
    throw new SupernodeError(
      "invalid-value",
      `ranks must be a whole number from 1 to ${model.totalRanks} on ${model.system.id}${model.totalRanks > model.ranksPerSystem ? " (cluster)" : ""} (got ${n})`,
      { fieldPath: ["ranks"] },
    );
  if (!Number.isFinite(request.bytes) || request.bytes < 0)
    throw new SupernodeError("invalid-value", `bytes must be a non-negative number (got ${request.bytes})`, {
      fieldPath: ["bytes"],
    });
  if (request.op === "all-to-all-v" && (request.matrix === undefined || request.matrix.length !== n * n))
    throw new SupernodeError("invalid-value", `all-to-all-v needs a ${n}×${n} byte matrix`, {
      fieldPath: ["matrix"],
    });
  const algorithm = request.algorithm ?? defaultAlgorithm(model, request.op, n);
  if (!ALLOWED[request.op].includes(algorithm))
    throw new SupernodeError(
      "unsupported",
      `${request.op} supports the algorithms ${ALLOWED[request.op].join(", ")} (got ${algorithm})`,
      { fieldPath: ["algorithm"] },
    );
  if (algorithm === "in-switch" && request.op !== "all-reduce" && !nvlsGatherOffered(model, request))
    throw new SupernodeError(
      "unsupported",
      `NCCL runs ${request.op} in-switch (NVLS) only with NCCL on an NVLink domain whose switches reduce, from ${nvlsMinRanks(builtinNcclProtocols(), request.ncclVersion)} to ${Math.min(model.ranksPerSystem, builtinNcclProtocols().nvlsMaxHeads)} ranks of one system (got ${n} on ${model.system.id})`,
      { fieldPath: ["algorithm"] },
    );
  if (algorithm === "in-switch" && !(model.inSwitchReduction && n <= model.ranksPerSystem))
    throw new SupernodeError(
      "unsupported",
      `in-switch reduction needs a scale-up fabric whose switches reduce (NVLink SHARP) and ranks inside one system; ${model.system.id} ${model.inSwitchReduction ? `has ${model.ranksPerSystem} ranks per system` : "has none"}`,
      { fieldPath: ["algorithm"] },
    );
  const library = request.library ?? model.defaultLibrary;
  const lib = model.params.libraries[library];
  const crosses = peersByClass(model, n)[3] > 0;
  const scaleOut = request.transport === "scale-out";
  const fixedS =
    n <= 1 || request.bytes === 0
      ? 0
      : (crosses || scaleOut) && lib.scaleOutFixedCostS
        ? lib.scaleOutFixedCostS.value
        : lib.fixedCostS.value;
  return {
    request,
    algorithm,
    library,
    scaleOut,
    fixedS,
    bytesPerRank: sentBytes(request, algorithm),
    ...ncclShape(model, request, algorithm, library, crosses, scaleOut),
  };
}

/**
 * What NCCL's own shape adds to a resolved all-reduce over NVLink (and to a ring all-gather or
 * reduce-scatter inside one system): its technology inside one system, the NVLS tree (switches
 * reduce) or its plain Tree (a chunk pipeline) across systems.
 */
function ncclShape(
  model: FabricModel,
  request: CollectiveRequest,
  algorithm: Algorithm,
  library: LibraryId,
  crosses: boolean,
  scaleOut: boolean,
): Pick<ResolvedRequest, "ncclTechnology" | "ncclRingLl128BusCap" | "nvlsTree" | "ncclTree" | "ncclRing"> {
  if (library !== "nccl" || model.scaleUpTech.id !== "nvlink") return {};
  const n = request.ranks;
  const nccl = !crosses && !scaleOut && n > 1 && request.bytes > 0;
  const tech = model.system.scaleUp.technology;
  const ll128Cap = nccl
    ? ringLl128BusCap(builtinNcclProtocols(), model.accessBytesPerS, tech, request.ncclVersion)
    : undefined;
  const inDomain = {
    ncclTechnology: tech,
    ...(ll128Cap !== undefined ? { ncclRingLl128BusCap: ll128Cap } : {}),
  };
  // a ring all-gather / reduce-scatter inside one NVLink domain: NCCL's tuner prices its protocols
  // as it does the all-reduce's, over n − 1 steps (tuning.cc ncclTopoTuneModel `nsteps`)
  if (request.op === "all-gather" || request.op === "reduce-scatter")
    return nccl && (algorithm === "ring" || algorithm === "in-switch") ? inDomain : {};
  if (request.op !== "all-reduce") return {};
  const rps = model.ranksPerSystem;
  const wholeDomains = crosses && n % rps === 0;
  const nvlsTree =
    algorithm === "tree" && model.inSwitchReduction && request.inSwitch !== false && wholeDomains;
  const plainTree = algorithm === "tree" && !nvlsTree && wholeDomains;
  const ring = algorithm === "ring" && crosses && !scaleOut;
  return {
    ...(nccl ? inDomain : {}),
    // NCCL runs twice the channels its search finds (connect.cc ncclTopoPostset)
    ...(ring
      ? { ncclRing: { nodes: Math.ceil(n / rps), channels: 2 * ringCrossing(model, n).channels } }
      : {}),
    ...(nvlsTree
      ? { nvlsTree: { nodes: n / rps, perNode: rps, technology: model.system.scaleUp.technology } }
      : {}),
    ...(plainTree
      ? {
          ncclTree: {
            nodes: n / rps,
            perNode: rps,
            channels: ncclTreeChannels(
              builtinNcclProtocols().treePipeline,
              model.accessBytesPerS,
              model.scaleOutBytesPerS / model.scaleOutTech.writeFraction.value,
              rps,
            ),
          },
        }
      : {}),
  };
}
