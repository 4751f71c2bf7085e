/** Least-outstanding: the instance with the fewest requests in flight (ties rotate). */
import { leastOutstanding as least, type RouterPolicyEntry, type RoutingPolicy } from "./routing-policy.ts";

export const leastOutstanding: RouterPolicyEntry = {
  description: "the instance with the fewest requests in flight; ties rotate",
  create(prefillStage, decodeStage): RoutingPolicy {
    let nextPrefill = 0;
    let nextDecode = 0;
    return {
      prefillFor: () => least(prefillStage, nextPrefill++),
      decodeFor: () => least(decodeStage, nextDecode++),
    };
  },
};
