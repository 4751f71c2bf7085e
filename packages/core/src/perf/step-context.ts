/**
 * What the step model precomputes per instance group (device, efficiency profile, fabric costs,
 * devices scaled to stream shares) and the batch it is asked about.
 */

import { builtinCatalog } from "../catalog/index.ts";
import { type InstancePlan, precisionWeightFormats, type Scenario } from "../deploy/index.ts";
import { memoByObject } from "../spec/index.ts";
import { computeDevice, type Device } from "./device.ts";
import { type EfficiencyProfile, efficiencyProfileForChip } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
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
  return {
    scenario,
    plan,
    device: computeDevice(scenario.system.node.accelerator.chip),
    profile: scenarioProfile(scenario),
    comm: stepComm(scenario, plan),
    shares: new Map(),
  };
}

/**
 * The efficiency profile a scenario's steps run with: a SKU or user chip (`extends:`) inherits the
 * efficiency file of the chip it derives from, and the engine's kernel backends replace the values
 * their overlays name (the same for every instance group of the scenario).
 * @example scenarioProfile(scenario).engineOverlays // e.g. ["sglang-trtllm-mla-sm100"]
 */
export function scenarioProfile(scenario: Scenario, moeBackend?: string): EfficiencyProfile {
  const base = efficiencyProfileForChip(scenario.system.node.accelerator.chip, builtinChipOrigin);
  const engine = scenario.engine;
  if (engine === undefined) return base;
  const attention = scenario.model.attention;
  // `moeBackend`: the backend a call runs where the engine picks it per call (step-moe-call.ts).
  const moe = moeBackend ?? engine.moeBackend;
  return withEngineOverlays(base, {
    engine: engine.name,
    ...(engine.requestedVersion !== undefined && { version: engine.requestedVersion }),
    ...(engine.attentionBackend !== undefined && { attentionBackend: engine.attentionBackend }),
    ...(moe !== undefined && { moeBackend: moe }),
    modelAttention: attention.kind === "mla" ? (attention.sparse ? "mla-sparse" : "mla-dense") : "gqa",
    ...(scenario.model.moe !== undefined && { expertWeights: routedExpertFormat(scenario.precision).dtype }),
  });
}

/** The routed experts' weight format of a scenario precision (its override, else the default). */
export function routedExpertFormat(precision: Scenario["precision"]) {
  const formats = precisionWeightFormats(precision);
  return formats.overrides["routed-experts"] ?? formats.format;
}

/**
 * The attention output projection's (o_proj's) weight format: its own override, else the attention
 * override, else the default — the fallback `resolveComponentFormats` (model/weight-bytes.ts) gives
 * the `attention-output` component.
 */
export function attentionOutputFormat(precision: Scenario["precision"]) {
  const formats = precisionWeightFormats(precision);
  return formats.overrides["attention-output"] ?? formats.overrides.attention ?? formats.format;
}

/** The origin of a built-in chip, for following `extends` chains (undefined when not built in). */
function builtinChipOrigin(id: string): { readonly origin: { readonly extends?: string } } | undefined {
  try {
    return builtinCatalog().chip(id);
  } catch {
    return undefined;
  }
}

/**
 * The device at a share of its resources, memoised per context and across contexts on the same
 * device and profile objects (a search times thousands of candidates on one chip).
 */
export function sharedDevice(ctx: StepContext, share: number): SharedDevice {
  let s = ctx.shares.get(share);
  if (s === undefined) {
    const byShare = sharesOf(ctx.device)(ctx.profile);
    s = byShare.get(share);
    if (s === undefined) {
      s = shareOf(ctx.device, ctx.profile, share);
      byShare.set(share, s);
    }
    ctx.shares.set(share, s);
  }
  return s;
}

/** Shared devices by device, then profile, then share. */
const sharesOf = memoByObject((_device: Device) =>
  memoByObject((_profile: EfficiencyProfile) => new Map<number, SharedDevice>()),
);

/** The batch of one step on the whole instance. */
export type StepBatch =
  | {
      readonly phase: "decode";
      /** Sequences the step runs, CUDA-graph padding rows included. */
      readonly sequences: number;
      readonly kvTokens: number;
      /**
       * Of `sequences`, the padding rows of a padded CUDA graph: one dummy request repeated
       * (cuda-graph-padding.ts), so one token routed to one expert set. Default 0.
       */
      readonly paddingSequences?: number;
    }
  | {
      readonly phase: "prefill";
      readonly sequences: number;
      readonly newTokens: number;
      readonly attendedTokenPairs: number;
      /** KV-cache tokens read by the chunks (cached context); absent: estimated from the pairs. */
      readonly contextTokens?: number;
    };
