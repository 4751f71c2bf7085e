/**
 * Fabric reference cases for `supernode validate`: UB microbenchmarks, MoE dispatch/combine on
 * CloudMatrix384 and on H800 (DeepEP), NCCL collectives on H100, B200 and GB200 NVL72, and TensorRT-LLM's own
 * all-reduce kernel (engine-all-reduce-case.ts), each predicted with the
 * fabric model (never with the published value) and compared with the published measurement
 * (data/fabric/reference-cases.yaml, ids = calibration record ids).
 */
import { builtinCatalog, type ReferenceComparison } from "../catalog/index.ts";
import type { Chip, System } from "../hardware/index.ts";
import { GIGA, MICROSECOND, SupernodeError } from "../spec/index.ts";
import { builtinFabricParams, type FabricTarget, scaleUpBytesPerSPerRank } from "../topology/index.ts";
import { collectiveTime } from "./collective-time.ts";
import { engineAllReducePrediction } from "./engine-all-reduce-case.ts";
import { FABRIC_CASE_FILE, type FabricCaseConditions, parseFabricCaseFile } from "./fabric-case-file.ts";
import { fabricModel } from "./fabric-model.ts";
import { moeCombineTime, moeDispatchTime } from "./moe-communication.ts";
import { isDeepEpAscendNormal, isDeepEpLowLatency } from "./moe-kernel-params.ts";

export type { FabricCaseConditions } from "./fabric-case-file.ts";

/** A fabric-level comparison; the id has a `:part` suffix for records that hold several values. */
export interface FabricReferenceCase extends ReferenceComparison<"GB/s" | "us"> {
  /** (predicted − published) / published. */
  readonly relativeError: number;
  /** Vendor of the system measured. */
  readonly vendor: string;
}

/** The catalog system a case's measurement ran on. */
function measuredSystem(c: FabricCaseConditions): string {
  switch (c.kind) {
    case "ub":
      return "cloudmatrix384";
    case "moe":
    case "nccl":
    case "engine-all-reduce":
      return c.system;
    case "nccl-nic":
      return "hgx-h100";
  }
}

function systemFor(id: string, ranks: number): FabricTarget {
  const catalog = builtinCatalog();
  const system = catalog.system(id);
  const perSystem = fabricModel(system).ranksPerSystem;
  if (ranks <= perSystem) return system;
  return catalog.cluster({ system: id, count: Math.ceil(ranks / perSystem) });
}

function ubPrediction(c: Extract<FabricCaseConditions, { kind: "ub" }>): number {
  const system: System = builtinCatalog().system("cloudmatrix384");
  const ub = builtinFabricParams().technologies.ub;
  const scaleUp = system.scaleUp;
  const die = scaleUpBytesPerSPerRank(system);
  const cpu = scaleUp.kind === "two-tier-clos" ? scaleUp.cpuBandwidthBytesPerS?.value : undefined;
  const line = c.path === "npu-cpu" && cpu !== undefined ? Math.min(die, cpu) : die;
  const bandwidth = line * (c.op === "read" ? ub.readFraction.value : ub.writeFraction.value);
  if (c.metric === "bandwidth") return bandwidth / GIGA;
  const hops = c.locality === "intra" ? 1 : 3;
  const endpoint = c.op === "read" ? ub.readEndpointLatencyS.value : ub.writeEndpointLatencyS.value;
  return (endpoint + hops * ub.hopLatencyS.value + c.messageBytes / bandwidth) / MICROSECOND;
}

/**
 * Time a chip takes to stream `readBytes` in and `writeBytes` out (the weighted sum of a
 * combine's top-k expert outputs): given by the caller, which owns the chips' memory efficiencies
 * (`supernode validate` passes the operator model's vector-kernel time).
 */
export type StreamTime = (chip: Chip, readBytes: number, writeBytes: number, flops: number) => number;

export interface FabricCaseOptions {
  /** Prices the receiver's reduction inside DeepEP-style low-latency combines and DeepEP-Ascend's normal combine; without it, none. */
  readonly combineReduction?: StreamTime;
}

/**
 * The receive-side weighted sum a low-latency combine kernel runs before it returns (DeepEP
 * `low_latency.cu` combine: after the expert outputs arrive, each token's top-k rows are read
 * from the receive buffer, weighted and summed in FP32 and written once; NCCL EP's port does the
 * same, its `ep_bench` noting "LL: weights applied during combine"). The kernel benchmarks time
 * it with the transfer, so their prediction adds it; the step model keeps it as its own operator
 * (`moe.combine`) beside the transfer and does not use this. DeepEP-Ascend's normal combine
 * (sgl-kernel-npu `cam_moe_combine_normal.h`, `Process`) runs the same sum as a second phase on
 * the same AIV cores once its pushes are done (per token: wait for the top-k flags, load each row
 * from the local window, cast to FP32, scale, add, write), so it is added too, on one die.
 * TensorRT-LLM's one-sided kernels, the CANN MC2 / EP operators and DeepEP's (NVIDIA) normal
 * kernels have their combine costs in their own parameters and are left as they are.
 */
function combineReductionS(
  c: Extract<FabricCaseConditions, { kind: "moe" }>,
  system: System,
  options: FabricCaseOptions,
): number {
  const summed =
    isDeepEpLowLatency(c.library, c.kernels, system.vendor) ||
    isDeepEpAscendNormal(c.library, c.kernels, system.vendor);
  if (c.direction !== "combine" || !summed || options.combineReduction === undefined) return 0;
  const copies = c.tokensPerRank * c.topK;
  // BF16 rows: one multiply and one add per element of every copy
  const flops = 2 * copies * (c.bytesPerToken / 2);
  return options.combineReduction(
    system.node.accelerator.chip,
    copies * c.bytesPerToken,
    c.tokensPerRank * c.bytesPerToken,
    flops,
  );
}

function moePrediction(
  c: Extract<FabricCaseConditions, { kind: "moe" }>,
  options: FabricCaseOptions,
): number {
  const request = {
    system: systemFor(c.system, c.ranks),
    ranks: c.ranks,
    tokensPerRank: c.tokensPerRank,
    topK: c.topK,
    bytesPerToken: c.bytesPerToken,
    transport: c.transport,
    kernels: c.kernels,
    routing: c.routing,
    ...(c.library !== undefined ? { library: c.library } : {}),
  };
  const r = c.direction === "dispatch" ? moeDispatchTime(request) : moeCombineTime(request);
  const counted = c.countedBytesPerToken ?? c.bytesPerToken;
  const reduceS = combineReductionS(c, builtinCatalog().system(c.system), options);
  const timeS = r.timeS + reduceS;
  switch (c.metric) {
    case "latency":
      return timeS / MICROSECOND;
    case "bandwidth":
      return (r.bandwidthPerRankBytesPerS * (r.timeS / timeS) * (counted / c.bytesPerToken)) / GIGA;
    case "bottleneck-bandwidth": {
      // DeepEP's benchmark counts per-rank received tokens (NVLink) or tokens × distinct nodes,
      // own node included (RDMA), over the kernel time (tests/test_intranode.py, test_internode.py);
      // DeepEP-Ascend's counts every received copy (recv_x rows: it sends one per top-k expert,
      // "duplicate transmission to experts of the same rank", sgl-kernel-npu test_intranode.py)
      const d = r.deduplication?.destinations;
      if (d === undefined)
        return (r.bandwidthPerRankBytesPerS * (r.timeS / timeS) * (counted / c.bytesPerToken)) / GIGA;
      const perToken =
        c.ranks > fabricModel(request.system).ranksPerSystem ? d.serversPerToken : d.ranksPerToken;
      return (c.tokensPerRank * perToken * counted) / timeS / GIGA;
    }
  }
}

/** A cluster of NVLink partitions of `gpus` GPUs (whole nodes of the system), one per `gpus` ranks. */
function partitionsFor(id: string, gpus: number, ranks: number): FabricTarget {
  const catalog = builtinCatalog();
  const system = catalog.system(id);
  const perNode = system.node.accelerator.count.value;
  if (gpus % perNode !== 0 || ranks % gpus !== 0)
    throw new SupernodeError(
      "invalid-value",
      `${FABRIC_CASE_FILE}: partitionGpus ${gpus} must be whole ${id} nodes (${perNode} GPUs) and divide ranks ${ranks}`,
    );
  const partition: System = {
    ...system,
    id: `${id}-nvl${gpus}`,
    nodes: { ...system.nodes, value: gpus / perNode },
  };
  const cluster = catalog.cluster({ system: id, count: ranks / gpus });
  return { ...cluster, id: `${partition.id}x${ranks / gpus}`, system: partition };
}

function ncclPrediction(c: Extract<FabricCaseConditions, { kind: "nccl" }>): number {
  const target =
    c.partitionGpus !== undefined
      ? partitionsFor(c.system, c.partitionGpus, c.ranks)
      : systemFor(c.system, c.ranks);
  const r = collectiveTime(target, {
    op: c.op,
    bytes: c.bytes,
    ranks: c.ranks,
    algorithm: c.algorithm,
    ...(c.ncclVersion !== undefined ? { ncclVersion: c.ncclVersion } : {}),
    ...(c.inSwitch !== undefined ? { inSwitch: c.inSwitch } : {}),
  });
  switch (c.metric) {
    case "busbw":
      return r.busBandwidthBytesPerS / GIGA;
    case "algbw":
      return r.algBandwidthBytesPerS / GIGA;
    case "time":
      return r.timeS / MICROSECOND;
  }
}

function predict(c: FabricCaseConditions, options: FabricCaseOptions): number {
  switch (c.kind) {
    case "ub":
      return ubPrediction(c);
    case "moe":
      return moePrediction(c, options);
    case "nccl":
      return ncclPrediction(c);
    case "engine-all-reduce":
      return engineAllReducePrediction(c);
    case "nccl-nic": {
      // all-to-all across two 8× H100 servers: per-NIC payload rate
      const cluster = builtinCatalog().cluster({ system: "hgx-h100", count: 2 });
      const r = collectiveTime(cluster, { op: "all-to-all", bytes: 2 ** 32, ranks: 16 });
      const perNic = (r.bytesPerRank * (8 / 15)) / r.transferS;
      return perNic / GIGA;
    }
  }
}

/**
 * Every fabric reference case with its prediction and error.
 * @example fabricReferenceCases().find((c) => c.id === "cm384-017")?.predicted // µs
 */
export function fabricReferenceCases(options: FabricCaseOptions = {}): FabricReferenceCase[] {
  const doc = parseFabricCaseFile();
  return doc.cases.map((c) => {
    const predicted = predict(c.conditions, options);
    return {
      id: c.id,
      description: c.description,
      predicted,
      published: c.published,
      unit: c.unit,
      source: c.source,
      role: c.role,
      ...(c.duplicateOf !== undefined ? { duplicateOf: c.duplicateOf } : {}),
      relativeError: (predicted - c.published) / c.published,
      vendor: builtinCatalog().system(measuredSystem(c.conditions)).vendor,
    };
  });
}
