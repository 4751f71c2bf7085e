/**
 * The router policies a scenario can name (`serving.router`), one file each. A new policy is a
 * file here, an entry below and a name in spec/serving-schema.ts's `routerPolicySchema`.
 */
import type { RouterPolicy } from "../../spec/index.ts";
import { cacheAware } from "./cache-aware.ts";
import { leastOutstanding } from "./least-outstanding.ts";
import { roundRobin } from "./round-robin.ts";
import type { RouterPolicyEntry } from "./routing-policy.ts";

export const ROUTER_POLICIES: Readonly<Record<RouterPolicy, RouterPolicyEntry>> = {
  "round-robin": roundRobin,
  "least-outstanding": leastOutstanding,
  "cache-aware": cacheAware,
};

export { leastOutstanding as leastOutstandingInstance, type RoutingPolicy } from "./routing-policy.ts";
