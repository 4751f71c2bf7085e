/**
 * Routing of requests to instances: round-robin, least-outstanding (ties rotate), or cache-aware
 * (the instance whose HBM prefix cache holds the request's prefix, unless it is much busier than
 * the least loaded one). Decode instances for disaggregated serving are chosen likewise.
 */

import type { RouterPolicy } from "../spec/serving-schema.ts";
import type { ServingInstance } from "./serving-instance.ts";

/** Cache-aware routing keeps a request on the instance holding its prefix unless that instance has
 * more than this many outstanding requests beyond the least loaded (SGLang's router: `balance_abs_threshold: 32` in `impl Default for CacheAwareConfig`,
 * github.com/sgl-project/sglang sgl-model-gateway/src/policies/mod.rs — the library default; its CLI
 * sets other defaults). */
const CACHE_AWARE_BALANCE = 32;

export class Router {
  private rrPrefill = 0;
  private rrDecode = 0;

  /** @example new Router("least-outstanding", prefill, decode).prefillFor(-1) */
  constructor(
    private readonly policy: RouterPolicy,
    private readonly prefillStage: readonly ServingInstance[],
    private readonly decodeStage: readonly ServingInstance[],
  ) {}

  /** The prefill (or colocated) instance for a new request of prefix group `group` (-1: none). */
  prefillFor(group: number): ServingInstance {
    const targets = this.prefillStage;
    switch (this.policy) {
      case "round-robin":
        return targets[this.rrPrefill++ % targets.length] as ServingInstance;
      case "least-outstanding":
        return leastOutstanding(targets, this.rrPrefill++);
      case "cache-aware": {
        const least = leastOutstanding(targets, this.rrPrefill++);
        if (group < 0) return least;
        let holder: ServingInstance | undefined;
        for (const t of targets)
          if (t.hbmCache?.has(group) && (holder === undefined || t.outstanding < holder.outstanding))
            holder = t;
        return holder !== undefined && holder.outstanding <= least.outstanding + CACHE_AWARE_BALANCE
          ? holder
          : least;
      }
      default: {
        const unreachable: never = this.policy;
        throw new Error(`unknown router ${String(unreachable)}`);
      }
    }
  }

  /** The decode instance for a request whose prefill completed. */
  decodeFor(): ServingInstance {
    const targets = this.decodeStage;
    return this.policy === "round-robin"
      ? (targets[this.rrDecode++ % targets.length] as ServingInstance)
      : leastOutstanding(targets, this.rrDecode++);
  }

  /** The least loaded prefill instance (for sequences preempted by recompute on a decode instance). */
  leastLoadedPrefill(): ServingInstance {
    return leastOutstanding(this.prefillStage);
  }
}

/** The instance with the fewest outstanding requests; ties go to the first at or after `start` (rotating). */
function leastOutstanding(targets: readonly ServingInstance[], start = 0): ServingInstance {
  const n = targets.length;
  let best = targets[start % n] as ServingInstance;
  for (let k = 1; k < n; k++) {
    const t = targets[(start + k) % n] as ServingInstance;
    if (t.outstanding < best.outstanding) best = t;
  }
  return best;
}
