/**
 * `simulate(scenario, options)`: the serving simulation of a scenario document. It takes the
 * instance groups of the deployment with their step models (`instancePerformance`), the workload
 * and serving sections, the KV-transfer path costed on the fabric model, the pooled DRAM tier
 * sized from the system's node DRAM, and runs the discrete-event engine.
 */

import { decodeSequences, type InstancePlan, type InstanceRole, type Scenario } from "../deploy/index.ts";
import {
  atOfflineBatch,
  hybridStateLimits,
  type InstancePerformance,
  instancePerformance,
  offlineSearch,
} from "../perf/index.ts";
import {
  GIGA,
  type LengthDistributionSpec,
  SupernodeError,
  servingSchema,
  workloadSchema,
} from "../spec/index.ts";
import { cachedKvCopies, withCopies } from "./cached-kv-copies.ts";
import { fabricTransferModel } from "./fabric-transfer.ts";
import { kvTransferPath } from "./kv-transfer-path.ts";
import type { WorkloadFiles } from "./length-distribution.ts";
import { simulateServing } from "./serving-engine.ts";
import type { ServingModel, ServingPool, SimulateOptions } from "./serving-model.ts";
import type { SimulationResult } from "./simulation-result.ts";
import { systemTransferModel, type TransferModel } from "./transfer-model.ts";

export interface SimulateScenarioOptions extends SimulateOptions {
  /** Texts of the files the workload names (trace, histograms), keyed as written in the document. */
  readonly files?: WorkloadFiles;
  /** Step models per role (default: the scenario's step model); for tests and what-ifs. */
  readonly performance?: (role: InstanceRole) => InstancePerformance;
  /**
   * Sequences per instance an offline scenario's colocated group runs at (its running-sequence cap),
   * instead of the offline search's choice (server-rate.ts passes the engine's own cap).
   */
  readonly offlineBatch?: number;
}

/**
 * Runs the serving simulation of a scenario with a `workload` section.
 * @example const result = simulate(parseScenario(text, "s.yaml"), { requests: 10_000, seed: 1 }); result.summary.ttftS.p99
 */
export function simulate(scenario: Scenario, options: SimulateScenarioOptions = {}): SimulationResult {
  return simulateServing(servingModelOf(scenario, options), options);
}

/**
 * An offline scenario as the simulator runs it: the colocated group at the batch the offline
 * search chose, and (without a workload section) a closed loop of that many users sending fixed
 * prompt and output lengths with no think time — saturation, as MLPerf's Offline scenario.
 */
function offlineScenario(scenario: Scenario, batch: number | undefined): Scenario {
  const offline = scenario.offline;
  const plan = scenario.deployment.colocated;
  if (offline === undefined || plan === undefined) return scenario;
  const best = batch ?? offlineSearch(scenario).best.sequencesPerInstance;
  const at = atOfflineBatch(scenario, best);
  if (scenario.workload !== undefined) return at;
  const workload = workloadSchema.parse({
    arrival: { kind: "closed-loop", concurrency: best * plan.instances },
    promptTokens: lengthSpec(offline.distributions?.promptTokens ?? offline.promptTokens),
    outputTokens: lengthSpec(offline.distributions?.outputTokens ?? offline.outputTokens),
    requests: offline.requests ?? 8 * best * plan.instances,
  });
  return { ...at, workload };
}

/** A fixed length as a distribution; a distribution as written. */
function lengthSpec(length: number | LengthDistributionSpec): LengthDistributionSpec {
  return typeof length === "number" ? { kind: "fixed", tokens: length } : length;
}

/** The engine input for a scenario (exposed for inspection and benchmarks). */
export function servingModelOf(written: Scenario, options: SimulateScenarioOptions = {}): ServingModel {
  const scenario = offlineScenario(written, options.offlineBatch);
  const workload = scenario.workload;
  if (workload === undefined)
    throw new SupernodeError(
      "usage",
      "the scenario has no workload section; add one (arrival, promptTokens, outputTokens) to simulate serving — see docs/serving.md",
      { file: scenario.fileName, fieldPath: ["workload"] },
    );
  const serving = scenario.serving ?? servingSchema.parse({});
  const perfOf = options.performance ?? ((role: InstanceRole) => instancePerformance(scenario, role));
  const { prefill, decode, colocated } = scenario.deployment;
  const pool = (role: InstanceRole, plan: InstancePlan): ServingPool => {
    const perf = perfOf(role);
    const batch = plan.batchPerChip !== undefined ? decodeSequences(plan) : undefined;
    // A hybrid model under an engine with a state pool of its own: the KV pool and the engine's
    // running-request cap (perf/hybrid-state-pool.ts), as the offline point applies them.
    const usable = Math.floor(perf.kvCacheCapacityTokens * serving.kvCache.usableFraction);
    const hybrid = role === "prefill" ? undefined : hybridStateLimits(scenario, plan, usable);
    const cap = hybrid === undefined ? batch : Math.min(batch ?? Infinity, hybrid.maxRunningSequences);
    return {
      instances: plan.instances,
      chipsPerInstance: plan.chipsPerInstance,
      perf,
      ...(cap !== undefined ? { maxBatchSequences: cap } : {}),
      ...(hybrid !== undefined ? { kvTokens: hybrid.kvTokens } : {}),
      ...(plan.maxBatchTokens !== undefined ? { maxBatchTokens: plan.maxBatchTokens } : {}),
    };
  };
  let pools: Pick<ServingModel, "prefill" | "decode" | "colocated">;
  let front: InstancePlan;
  let back: InstancePlan;
  if (colocated !== undefined) {
    pools = { colocated: pool("colocated", colocated) };
    front = colocated;
    back = colocated;
  } else if (prefill !== undefined && decode !== undefined) {
    pools = { prefill: pool("prefill", prefill), decode: pool("decode", decode) };
    front = prefill;
    back = decode;
  } else {
    throw new SupernodeError(
      "usage",
      "serving needs colocated instances, or both prefill and decode instance groups",
      { file: scenario.fileName, fieldPath: ["deployment"] },
    );
  }
  const system = scenario.system;
  const frontPerf = (pools.colocated ?? pools.prefill)?.perf as InstancePerformance;
  const pooled = serving.prefixCache.pooledTier;
  return {
    ...pools,
    workload,
    serving,
    ...(options.files !== undefined ? { files: options.files } : {}),
    ...(colocated === undefined ? { kvTransfer: kvTransferPath(scenario, serving.kvTransfer, front) } : {}),
    ...(pooled.enabled
      ? {
          pooledTier: {
            transfer: poolPath(scenario, pooled, front),
            capacityTokens: Math.floor(poolCapacityBytes(scenario, pooled) / frontPerf.kvBytesPerToken),
          },
        }
      : {}),
    swap: systemTransferModel(system, serving.swapPath, back.chipsPerInstance),
    ...(back.mtp !== undefined
      ? { mtp: { draftTokens: back.mtp.draftTokens, acceptance: back.mtp.acceptanceRate } }
      : {}),
  };
}

/** The pooled tier's size: `capacityGB`, else the DRAM of every node the deployment's systems have. */
function poolCapacityBytes(scenario: Scenario, pooled: { capacityGB?: number }): number {
  if (pooled.capacityGB !== undefined) return pooled.capacityGB * GIGA;
  const system = scenario.system;
  const perNode = system.node.dramBytes?.value;
  if (perNode === undefined)
    throw new SupernodeError(
      "invalid-value",
      `${system.name}: the catalog gives no DRAM per node, so the pooled tier's size is unknown; give serving.prefixCache.pooledTier.capacityGB`,
      { file: scenario.fileName, fieldPath: ["serving", "prefixCache", "pooledTier", "capacityGB"] },
    );
  return perNode * system.nodes.value * scenario.systemCount;
}

function poolPath(
  scenario: Scenario,
  pooled: { via: "ub" | "vpc"; bandwidthGBps?: number; latencyS?: number },
  front: InstancePlan,
): TransferModel {
  const path = {
    plane: pooled.via,
    ...(pooled.bandwidthGBps !== undefined ? { bandwidthGBps: pooled.bandwidthGBps } : {}),
    ...(pooled.latencyS !== undefined ? { latencyS: pooled.latencyS } : {}),
  };
  const ranksPerNode = scenario.system.node.accelerator.count.value * front.ranksPerChip;
  const copies = cachedKvCopies(front, scenario.model, ranksPerNode);
  if (pooled.via === "ub" && pooled.bandwidthGBps === undefined) {
    const fabric = scenario.system.scaleUp;
    if (fabric.kind !== "two-tier-clos" || fabric.cpuBandwidthBytesPerS === undefined)
      throw new SupernodeError(
        "unsupported",
        `${scenario.system.name}: the CPUs' DRAM is not on the scale-up fabric, so a pooled tier cannot be read "via: ub"; use "via: vpc" or give serving.prefixCache.pooledTier.bandwidthGBps`,
        { file: scenario.fileName, fieldPath: ["serving", "prefixCache", "pooledTier", "via"] },
      );
    // NPU ← CPU-DRAM reads cross the same UB tiers as NPU ← NPU transfers (P2 Table 1: 147 vs 164 GB/s per die).
    return withCopies(
      fabricTransferModel(scenario.system, "ub", front.ranksPerInstance),
      copies.fabricCopies,
    );
  }
  const base = systemTransferModel(scenario.system, path, front.chipsPerInstance);
  return withCopies(base, pooled.via === "ub" ? copies.fabricCopies : copies.nodeCopies);
}
