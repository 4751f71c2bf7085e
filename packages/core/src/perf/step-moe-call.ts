/**
 * A step's context with the MoE backend its calls run, where the engine picks it per call
 * (moe-call-backend.ts): the overlay of the scenario's backend tests the call — the tokens the MoE op
 * is given on the rank (the op's `M`: the microbatch tokens of the attention group, as the fused-MoE
 * config key takes them), the rank's expert slice, the hidden size — and a call that fails it gets
 * the profile of the backend the overlay names instead (its values and, through the overlay ids, its
 * kernel chain: step-separate-kernels.ts).
 */
import { memoByObject } from "../spec/index.ts";
import type { EfficiencyProfile } from "./efficiency-profile.ts";
import { moeBackendForCall } from "./moe-call-backend.ts";
import { type StepBatch, type StepContext, scenarioProfile } from "./step-context.ts";
import { microbatchWork } from "./step-work.ts";

/** Profiles of the other backend, per profile a step was asked with and backend name. */
const swappedFor = memoByObject((_asked: EfficiencyProfile) => new Map<string, EfficiencyProfile>());

/**
 * `ctx` itself where the call runs the backend its profile carries, else `ctx` with the profile of
 * the backend the call runs.
 * @example atMoeCall(ctx, { phase: "decode", sequences: 8, kvTokens: 8 * 1024 }).profile.engineOverlays // [..., "vllm-triton-moe-fp8-sm90"] where ctx names deep_gemm on H100
 */
export function atMoeCall(ctx: StepContext, batch: StepBatch): StepContext {
  const { scenario, plan } = ctx;
  const engine = scenario.engine;
  const moe = scenario.model.moe;
  if (engine === undefined || moe === undefined || plan.moe === undefined) return ctx;
  const call = {
    tokens: microbatchWork(ctx, batch).groupTokens,
    intermediate: moe.expertIntermediateSize / plan.moe.tp,
    hidden: moe.latentSize ?? scenario.model.hiddenSize,
  };
  const backend = moeBackendForCall(engine.name, ctx.profile.engineOverlays, call);
  if (backend === undefined) return ctx;
  const byName = swappedFor(ctx.profile);
  let profile = byName.get(backend);
  if (profile === undefined) {
    profile = scenarioProfile(scenario, backend);
    byName.set(backend, profile);
  }
  return { ...ctx, profile, shares: new Map() };
}
