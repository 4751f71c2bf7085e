/**
 * What the serving engine fixes before its first event, resolved from the serving model and the run
 * options: the stopping rule, the priority levels of the waiting queues, the instance fleet
 * (colocated, or prefill and decode stages) and the multi-token-prediction model.
 */
import { groupThousands, LIMITS, SupernodeError } from "../spec/index.ts";
import { type MtpModel, mtpModel } from "./mtp.ts";
import { PrefixCache } from "./prefix-cache.ts";
import { type PriorityLevels, schedulerPolicy } from "./scheduler-policies/index.ts";
import { type InstanceRole, ServingInstance } from "./serving-instance.ts";
import type { ServingModel, ServingPool, SimulateOptions } from "./serving-model.ts";
import type { StopRule } from "./workload-generator.ts";

const MAX_SEQUENCES = 2 ** 31 - 1;

/**
 * The stopping rule: run options first, then the workload's own; a usage error when neither gives one.
 * @example stoppingRule(model, { requests: 1000 }) // { requests: 1000, durationS: undefined }
 */
export function stoppingRule(model: ServingModel, options: SimulateOptions): StopRule {
  const { workload } = model;
  const requests = options.requests ?? (options.durationS === undefined ? workload.requests : undefined);
  const durationS = options.durationS ?? (options.requests === undefined ? workload.durationS : undefined);
  if (requests === undefined && durationS === undefined && workload.arrival.kind !== "trace")
    throw new SupernodeError(
      "usage",
      "the simulation needs a stopping rule: --requests N or --duration S (or workload.requests / workload.durationS)",
    );
  checkRunSize(model, requests, durationS);
  return { requests, durationS };
}

/** Refuses runs beyond LIMITS up front (the CLI's --requests/--duration bypass the schema's bounds). */
function checkRunSize(
  model: ServingModel,
  requests: number | undefined,
  durationS: number | undefined,
): void {
  const most = groupThousands(LIMITS.requests);
  if (
    requests !== undefined &&
    !(Number.isSafeInteger(requests) && requests > 0 && requests <= LIMITS.requests)
  )
    throw new SupernodeError(
      "usage",
      `--requests (workload.requests) must be a whole number from 1 to ${most}, got ${requests}`,
    );
  if (durationS === undefined) return;
  if (!(durationS > 0 && durationS <= LIMITS.durationS))
    throw new SupernodeError(
      "usage",
      `--duration (workload.durationS) must be from 0 to ${LIMITS.durationS} s (a year), got ${durationS}`,
    );
  const arrival = model.workload.arrival;
  const expected = arrival.kind === "poisson" || arrival.kind === "gamma" ? arrival.ratePerS * durationS : 0;
  if (requests === undefined && expected > LIMITS.requests)
    throw new SupernodeError(
      "usage",
      `${durationS} s at ${arrival.kind === "poisson" || arrival.kind === "gamma" ? arrival.ratePerS : 0} requests/s would send about ${Math.round(expected).toLocaleString("en-US")} requests, more than the ${most} one simulation may run; shorten --duration`,
    );
}

/**
 * The waiting-queue levels under the scheduler policy the scenario names (scheduler-policies/).
 * @example priorityLevels(model).levelOf.get(0) // 0
 */
export function priorityLevels(model: ServingModel): PriorityLevels {
  const { workload, serving } = model;
  const classes = workload.priorityClasses ?? [{ name: "default", priority: 0, weight: 1 }];
  const values = [...new Set(classes.map((c) => c.priority))].sort((a, b) => a - b);
  return schedulerPolicy(serving.scheduler.policy).levels(values);
}

/** The engine's instances, numbered in order, and the stages they form (the same array when colocated). */
export interface InstanceFleet {
  readonly instances: readonly ServingInstance[];
  readonly prefillStage: readonly ServingInstance[];
  readonly decodeStage: readonly ServingInstance[];
  readonly colocated: boolean;
}

/**
 * Builds every instance with its KV capacity (less the HBM prefix-cache share) and sequence limit.
 * @example buildFleet(model, priorityLevels(model).count).instances.length
 */
export function buildFleet(model: ServingModel, levels: number): InstanceFleet {
  const { serving } = model;
  const colocated = model.colocated !== undefined;
  if (!colocated && (model.prefill === undefined || model.decode === undefined))
    throw new SupernodeError(
      "invalid-value",
      "the serving simulator needs either colocated instances, or both prefill and decode instances",
      { fieldPath: ["deployment"] },
    );
  const instances: ServingInstance[] = [];
  const build = (role: InstanceRole, spec: ServingPool | undefined) => {
    const built: ServingInstance[] = [];
    if (spec === undefined) return built;
    const usable = spec.kvTokens ?? spec.perf.kvCacheCapacityTokens * serving.kvCache.usableFraction;
    const prefixOn = serving.prefixCache.enabled && role !== "decode";
    const hbmShare = prefixOn ? serving.prefixCache.hbmFraction : 0;
    const budget = spec.maxBatchTokens ?? serving.scheduler.maxBatchTokens;
    const written = serving.scheduler.maxBatchSequences ?? spec.maxBatchSequences ?? MAX_SEQUENCES;
    // A decode pool's own budget caps the sequences a step advances: each takes 1 + draft tokens of it.
    const maxSeq =
      role === "decode" && spec.maxBatchTokens !== undefined
        ? Math.min(written, Math.floor(spec.maxBatchTokens / (1 + resolveMtp(model).draftTokens)))
        : written;
    if (maxSeq < 1)
      throw new SupernodeError(
        "invalid-value",
        `the ${role} pool's token budget of ${spec.maxBatchTokens} per iteration cannot advance one sequence (1 + ${resolveMtp(model).draftTokens} draft tokens)`,
        { fieldPath: ["deployment", role, "maxBatchTokens"] },
      );
    for (let i = 0; i < spec.instances; i++) {
      const instance = new ServingInstance(
        instances.length,
        role,
        spec.perf,
        Math.floor(usable * (1 - hbmShare)),
        maxSeq,
        serving.kvCache.blockTokens / 2,
        levels,
        prefixOn ? new PrefixCache(Math.floor(usable * hbmShare)) : undefined,
        budget,
      );
      instances.push(instance);
      built.push(instance);
    }
    return built;
  };
  if (colocated) {
    const stage = build("colocated", model.colocated);
    return { instances, prefillStage: stage, decodeStage: stage, colocated };
  }
  const prefillStage = build("prefill", model.prefill);
  const decodeStage = build("decode", model.decode);
  return { instances, prefillStage, decodeStage, colocated };
}

/**
 * The MTP model: the one the serving model fixes, else one derived from the decode instances' mean
 * tokens per step and the serving spec's draft tokens.
 * @example resolveMtp(model).meanTokensPerStep // 1 without MTP
 */
export function resolveMtp(model: ServingModel): MtpModel {
  const { serving } = model;
  const decodePerf = (model.colocated !== undefined ? model.colocated : model.decode)?.perf;
  const meanTokensPerStep = decodePerf?.meanTokensPerDecodeStep ?? 1;
  if (model.mtp === undefined)
    return mtpModel(meanTokensPerStep, serving.mtp.draftTokens, serving.mtp.sampling);
  return {
    draftTokens: model.mtp.draftTokens,
    acceptance: model.mtp.acceptance,
    meanTokensPerStep,
    sampling: serving.mtp.sampling,
  };
}
