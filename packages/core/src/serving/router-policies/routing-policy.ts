/** One way of routing requests to instances (a file per policy, named in router-policies/index.ts). */
import type { ServingInstance } from "../serving-instance.ts";

export interface RoutingPolicy {
  /** The prefill (or colocated) instance for a new request of prefix group `group` (-1: none). */
  prefillFor(group: number): ServingInstance;
  /** The decode instance for a request whose prefill completed (disaggregated serving). */
  decodeFor(): ServingInstance;
}

/** A routing policy's entry in the registry. */
export interface RouterPolicyEntry {
  /** What it does, and which serving engine's router it follows where it follows one. */
  readonly description: string;
  create(prefillStage: readonly ServingInstance[], decodeStage: readonly ServingInstance[]): RoutingPolicy;
}

/** The instance with the fewest outstanding requests; ties go to the first at or after `start` (rotating). */
export function leastOutstanding(targets: readonly ServingInstance[], start = 0): ServingInstance {
  const n = targets.length;
  let best = targets[start % n] as ServingInstance;
  for (let k = 1; k < n; k++) {
    const t = targets[(start + k) % n] as ServingInstance;
    if (t.outstanding < best.outstanding) best = t;
  }
  return best;
}
