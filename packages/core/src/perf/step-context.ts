/**
 * What the step model precomputes per instance group (device, efficiency profile, fabric costs,
 * devices scaled to stream shares) and the batch it is asked about.
 */
import type { InstancePlan } from "../deploy/plan.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { computeDevice, type Device } from "./device.ts";
import { type EfficiencyProfile, efficiencyProfile } from "./efficiency-profile.ts";
import { type StepComm, stepComm } from "./step-comm.ts";
import { type SharedDevice, shareOf } from "./step-operators.ts";

/** Precomputed per instance group: device, profile, comm model. */
export interface StepContext {
  readonly scenario: Scenario;
  readonly plan: InstancePlan;
  readonly device: Device;
  readonly profile: EfficiencyProfile;
  readonly comm: StepComm;
  readonly shares: Map<number, SharedDevice>;
}

/**
 * Builds the context for an instance group (cheap; reuse it for many steps).
 * @example const ctx = stepContext(scenario, scenario.deployment.decode!)
 */
export function stepContext(scenario: Scenario, plan: InstancePlan): StepContext {
  const chip = scenario.system.node.accelerator.chip;
  return {
    scenario,
    plan,
    device: computeDevice(chip),
    profile: efficiencyProfile(chip.id),
    comm: stepComm(scenario, plan),
    shares: new Map(),
  };
}

/** The device at a share of its resources, memoised per context. */
export function sharedDevice(ctx: StepContext, share: number): SharedDevice {
  let s = ctx.shares.get(share);
  if (s === undefined) {
    s = shareOf(ctx.device, ctx.profile, share);
    ctx.shares.set(share, s);
  }
  return s;
}

/** The batch of one step on the whole instance. */
export type StepBatch =
  | { readonly phase: "decode"; readonly sequences: number; readonly kvTokens: number }
  | {
      readonly phase: "prefill";
      readonly sequences: number;
      readonly newTokens: number;
      readonly attendedTokenPairs: number;
    };
