/** Round-robin: each stage's instances in turn, whatever their load. */
import type { ServingInstance } from "../serving-instance.ts";
import type { RouterPolicyEntry, RoutingPolicy } from "./routing-policy.ts";

export const roundRobin: RouterPolicyEntry = {
  description: "each stage's instances in turn, whatever their load",
  create(prefillStage, decodeStage): RoutingPolicy {
    let nextPrefill = 0;
    let nextDecode = 0;
    return {
      prefillFor: () => prefillStage[nextPrefill++ % prefillStage.length] as ServingInstance,
      decodeFor: () => decodeStage[nextDecode++ % decodeStage.length] as ServingInstance,
    };
  },
};
