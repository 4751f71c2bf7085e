/**
 * The front door: time of one collective on a system or cluster, with either cost engine.
 */
import type { FabricTarget } from "../topology/index.ts";
import { analyticCollective } from "./analytic-engine.ts";
import type { CollectiveRequest, CollectiveResult, EngineName } from "./collective-types.ts";
import { fabricModel } from "./fabric-model.ts";
import { flowCollective } from "./flow-engine.ts";

/** A collective cost engine: one interface, two implementations (analytic, flow). */
export interface CollectiveEngine {
  readonly name: EngineName;
  evaluate(target: FabricTarget, request: CollectiveRequest): CollectiveResult;
}

export const analyticEngine: CollectiveEngine = {
  name: "analytic",
  evaluate: (target, request) => analyticCollective(fabricModel(target), request),
};

export const flowEngine: CollectiveEngine = {
  name: "flow",
  evaluate: (target, request) => flowCollective(fabricModel(target), request),
};

export const ENGINES: Readonly<Record<EngineName, CollectiveEngine>> = {
  analytic: analyticEngine,
  flow: flowEngine,
};

/**
 * Time of one collective. Engine "analytic" (default) is closed-form and takes microseconds;
 * "flow" simulates max-min fair sharing of every link among the transfers of each phase.
 * @example collectiveTime(system, { op: "all-reduce", bytes: 2 ** 30, ranks: 8, algorithm: "ring" }).timeS
 */
export function collectiveTime(
  target: FabricTarget,
  request: CollectiveRequest & { readonly engine?: EngineName },
): CollectiveResult {
  return ENGINES[request.engine ?? "analytic"].evaluate(target, request);
}
