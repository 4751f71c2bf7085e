/**
 * Cache-aware: a request with a shared prefix goes to the instance whose HBM prefix cache holds it,
 * unless that instance is much busier than the least loaded one; other requests, and decode, go to
 * the least loaded instance (ties rotate).
 */
import type { ServingInstance } from "../serving-instance.ts";
import { leastOutstanding, type RouterPolicyEntry, type RoutingPolicy } from "./routing-policy.ts";

/** Cache-aware routing keeps a request on the instance holding its prefix unless that instance has
 * more than this many outstanding requests beyond the least loaded (SGLang's router: `balance_abs_threshold: 32` in `impl Default for CacheAwareConfig`,
 * github.com/sgl-project/sglang sgl-model-gateway/src/policies/mod.rs — the library default; its CLI
 * sets other defaults). */
const CACHE_AWARE_BALANCE = 32;

export const cacheAware: RouterPolicyEntry = {
  description:
    "to the instance holding the request's prefix unless it has more than 32 requests beyond the least loaded (SGLang router's cache-aware policy, library default), else the least loaded",
  create(prefillStage, decodeStage): RoutingPolicy {
    let nextPrefill = 0;
    let nextDecode = 0;
    return {
      prefillFor(group) {
        const least = leastOutstanding(prefillStage, nextPrefill++);
        if (group < 0) return least;
        let holder: ServingInstance | undefined;
        for (const t of prefillStage)
          if (t.hbmCache?.has(group) && (holder === undefined || t.outstanding < holder.outstanding))
            holder = t;
        return holder !== undefined && holder.outstanding <= least.outstanding + CACHE_AWARE_BALANCE
          ? holder
          : least;
      },
      decodeFor: () => leastOutstanding(decodeStage, nextDecode++),
    };
  },
};
