/**
 * Routing of requests to instances, by the policy the scenario names (`serving.router`; one file
 * per policy in router-policies/): round-robin, least-outstanding (ties rotate), or cache-aware.
 * Decode instances for disaggregated serving are chosen by the same policy.
 */

import type { RouterPolicy } from "../spec/index.ts";
import { leastOutstandingInstance, ROUTER_POLICIES, type RoutingPolicy } from "./router-policies/index.ts";
import type { ServingInstance } from "./serving-instance.ts";

export class Router {
  private readonly policy: RoutingPolicy;

  /** @example new Router("least-outstanding", prefill, decode).prefillFor(-1) */
  constructor(
    policy: RouterPolicy,
    private readonly prefillStage: readonly ServingInstance[],
    decodeStage: readonly ServingInstance[],
  ) {
    const entry = ROUTER_POLICIES[policy];
    if (entry === undefined) throw new Error(`unknown router ${String(policy)}`);
    this.policy = entry.create(prefillStage, decodeStage);
  }

  /** The prefill (or colocated) instance for a new request of prefix group `group` (-1: none). */
  prefillFor(group: number): ServingInstance {
    return this.policy.prefillFor(group);
  }

  /** The decode instance for a request whose prefill completed. */
  decodeFor(): ServingInstance {
    return this.policy.decodeFor();
  }

  /** The least loaded prefill instance (for sequences preempted by recompute on a decode instance). */
  leastLoadedPrefill(): ServingInstance {
    return leastOutstandingInstance(this.prefillStage);
  }
}
