/**
 * The `moe-op` operator reference kind: a whole MoE op as a kernel table times it (aiconfigurator's
 * `moe_perf`: routing, input quantisation, sort / expand, both grouped GEMMs with their activation,
 * finalize) on one GPU that holds one EP rank's experts and is given every token. The model builds
 * the MoE operators of one layer as the step does (`layerOperators`, the engine's separate kernels
 * with the routed tokens of an all-gather: every token is seen by the rank's op), times each with
 * `operatorTime` on the chip's profile with the engine's overlays, and sums them. The router GEMM
 * (the engine's gate linear, outside the fused op) and the shared experts are left out. With
 * `kernels: normal` (SGLang's wide-EP `moe_context` table: `DeepEPMoE.run_moe_core` on a DeepEP
 * normal-mode dispatch output) the op is the engine's prefill chain instead: ep_scatter, the grouped
 * GEMMs with the second one's input quantised, ep_gather; routing and quantisation happen before it.
 */

import { z } from "zod";
import { dispatchBytesPerToken, engineProfile } from "../deploy/index.ts";
import { type Chip, DTYPE_BYTES, DTYPES } from "../hardware/index.ts";
import { builtinModel, layerKinds, layerOperators, type Operator, weightFormat } from "../model/index.ts";
import {
  compareVersions,
  ENGINE_NAMES,
  quantSchemeSchema,
  type ServingEngineName,
  SupernodeError,
} from "../spec/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { operatorTime } from "./operator-time.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";

export const moeOpSpec = z
  .object({
    kind: z.literal("moe-op"),
    /** Built-in model whose MoE layer is built; the shape fields below must match it. */
    model: z.string().min(1),
    hidden: z.number().int().positive(),
    expertIntermediate: z.number().int().positive(),
    experts: z.number().int().positive(),
    topK: z.number().int().positive(),
    /** Tokens given to the op (every token of the step: the rank's op sees them all). */
    tokens: z.number().int().positive(),
    /** Expert parallelism: the rank holds experts / ep of them. */
    ep: z.number().int().positive(),
    /** MoE tensor parallelism: each expert's intermediate split this many ways. */
    tp: z.number().int().positive(),
    /** Expert weight format and GEMM math (fp4: NVFP4, fp8: 128×128 block scales). */
    weights: z.enum(DTYPES),
    /** Weight scale layout where it is not the format's default (GPT-OSS: `mxfp4-g32`). */
    weightScheme: quantSchemeSchema.optional(),
    /** GEMM math where it is not the weight format's (W4A16 on Hopper: `bf16`). */
    math: z.enum(DTYPES).optional(),
    /** The engine's MoE backend the table names (engine overlay selection; informational where none). */
    backend: z.string().min(1),
    /**
     * true: the op runs the named backend's own kernel chain as the engine data record it
     * (`separateKernels.moeBackends`: its prologue and fusions); absent: the engine's default chain.
     */
    backendChain: z.boolean().optional(),
    /**
     * `normal`: the rank's op is given the tokens of a DeepEP normal-mode dispatch, already 8-bit,
     * `tokens` rows of them (SGLang's wide-EP harness sizes its receive buffer to every token of the
     * EP group), and runs the engine's prefill chain (scatter into per-expert rows, grouped GEMMs,
     * gather back to the rows); absent: the all-gather chain (`low-latency` rules).
     */
    kernels: z.literal("normal").optional(),
    /** How the table routes: `balanced` puts the (token, expert) pairs round-robin on the experts. */
    routing: z.literal("balanced"),
  })
  .strict();
export type MoeOpSpec = z.output<typeof moeOpSpec>;

/**
 * Tokens per local expert of the rank the table times (rank 0: experts 0 … experts/ep − 1) under
 * aiconfigurator's `balanced_logits` (collector/helper.py): with stride s = ⌈experts / topK⌉, token i
 * picks experts ⌊i·s/n + k·s⌋ mod experts (k < topK) when n < s, else (i + k·s) mod experts. Exact where
 * the rank holds fewer pairs than experts (at one token and EP 16 its one expert, not a rounded 0.5).
 */
export function balancedExpertTokens(spec: MoeOpSpec): number[] {
  const local = spec.experts / spec.ep;
  const stride = Math.ceil(spec.experts / spec.topK);
  const n = spec.tokens;
  const counts = new Array<number>(local).fill(0);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < spec.topK; k++) {
      const pick = n >= stride ? i + k * stride : Math.floor((i * stride) / n + k * stride);
      const expert = pick % spec.experts;
      if (expert < local) counts[expert] = (counts[expert] ?? 0) + 1;
    }
  return counts;
}

/** The operators of the op, in the order the step runs them. */
export function moeOpOperators(
  spec: MoeOpSpec,
  engine: { readonly name: string; readonly version?: string },
  chip: Chip,
): Operator[] {
  const model = builtinModel(spec.model);
  const moe = model.moe;
  const shape = {
    hidden: model.hiddenSize,
    expertIntermediate: moe?.expertIntermediateSize,
    experts: moe?.numRoutedExperts,
    topK: moe?.topK,
  };
  for (const [field, value] of Object.entries(shape))
    if (value !== spec[field as keyof typeof shape])
      throw new SupernodeError(
        "invalid-value",
        `moe-op record: ${field} ${spec[field as keyof typeof shape]} does not match model ${spec.model} (${value})`,
        { fieldPath: ["operator", field] },
      );
  if (moe === undefined || spec.experts % spec.ep !== 0 || spec.expertIntermediate % spec.tp !== 0)
    throw new SupernodeError(
      "invalid-value",
      `moe-op record: ep ${spec.ep} must divide experts ${spec.experts} and tp ${spec.tp} the intermediate ${spec.expertIntermediate}`,
      { fieldPath: ["operator", "ep"] },
    );
  const layer = layerKinds(model).indexOf("moe");
  // The GEMM math; the op's input also travels (and is quantised, if at all) in it: BF16 for W4A16.
  const math = spec.math ?? spec.weights;
  const precision = {
    weightDtype: spec.weights,
    computeDtype: math,
    ...(spec.weightScheme !== undefined && { weightScheme: spec.weightScheme }),
  };
  const ops = layerOperators(
    model,
    layer,
    { phase: "decode", sequences: spec.tokens, kvTokens: spec.tokens },
    {
      componentPrecision: { "routed-experts": precision },
      localExperts: spec.experts / spec.ep,
      tokensPerLocalExpert: balancedExpertTokens(spec),
      // Each expert's 1/tp intermediate slice, as the step model's expert-TP ranks run it.
      expertTp: spec.tp,
      sharedExpertTokens: 0,
    },
  );
  const name = ENGINE_NAMES.find((n): n is ServingEngineName => n === engine.name);
  if (name === undefined)
    throw new SupernodeError(
      "invalid-value",
      `moe-op record: unknown engine "${engine.name}": expected one of ${ENGINE_NAMES.join(", ")}`,
      { fieldPath: ["engine", "name"] },
    );
  const release = { name, ...(engine.version !== undefined && { version: engine.version }) };
  const chain = spec.backendChain === true ? { moeBackend: spec.backend } : {};
  const policy = engineProfile({ ...release, ...chain }).separateKernelsFor(chip.vendor);
  const dispatch = { dispatch: math } as Parameters<typeof dispatchBytesPerToken>[1];
  const normal = spec.kernels === "normal";
  const all = withSeparateKernels(ops, policy, {
    moeKernels: normal ? "normal" : "low-latency",
    hiddenSize: spec.hidden,
    dispatchedTokens: spec.tokens,
    receivedTokens: spec.tokens,
    routedTokens: spec.tokens,
    topK: spec.topK,
    ...(DTYPE_BYTES[math] < 2 && { dispatchBytesPerToken: dispatchBytesPerToken(model, dispatch) }),
    localExperts: spec.experts / spec.ep,
    globalExperts: spec.experts,
    expertScheme: weightFormat(spec.weights, { scheme: spec.weightScheme }).scheme,
  });
  // The normal chain starts from the dispatch's output: routed and quantised before the op.
  const kept = all.filter(
    (op) =>
      op.name.startsWith("moe.") &&
      op.name !== "moe.router" &&
      !op.name.startsWith("moe.shared") &&
      !(normal && (op.name === "moe.dispatch_quant" || op.name === "moe.topk")),
  );
  return [...kept, ...collectorRoutingKernels(spec, engine, kept)];
}

/** Every 1.3.0 pre-release counts as 1.3 (which rc first shipped the PR is not read: assumption). */
const FIRST_RELEASE_ROUTING_512 = "1.3.0rc0";

/**
 * The routing kernels the table's harness adds beyond the step's one top-k kernel. aiconfigurator's
 * TensorRT-LLM collector routes every non-min-latency case with `RenormalizeMoeRoutingMethod`;
 * TensorRT-LLM runs that as one fused kernel only up to 128 experts and top-8 (PR 4955), else in
 * PyTorch: `torch.topk` (single-block `gatherTopK`, then `sortKeyValueInplace` for the sorted result),
 * the indices' cast to int32, the values' cast to float32 and `softmax` — 5 kernels for 1. PR 13433
 * (2026-04-24) raised the limit to 512 / top-16; releases before 1.3 are taken to have the old one
 * (assumption). The min-latency (`TRTLLM`) backend routes inside its own kernels. Each extra kernel is
 * timed as the step's top-k op (a launch at a few tokens).
 */
function collectorRoutingKernels(
  spec: MoeOpSpec,
  engine: { readonly name: string; readonly version?: string },
  ops: readonly Operator[],
): Operator[] {
  const topk = ops.find((op) => op.name === "moe.topk");
  const pytorch =
    engine.name === "trtllm" &&
    spec.backend !== "TRTLLM" &&
    (spec.experts > 128 || spec.topK > 8) &&
    (engine.version === undefined || compareVersions(engine.version, FIRST_RELEASE_ROUTING_512) < 0);
  if (topk === undefined || !pytorch) return [];
  return ["sort", "indices-cast", "values-cast", "softmax"].map((k) => ({
    ...topk,
    name: `moe.topk.pytorch-${k}`,
  }));
}

/**
 * The op's time in seconds on `chip`: the sum of its operators' times.
 * @example moeOpTime(spec, { name: "trtllm", version: "1.2.0rc5" }, builtinCatalog().chip("b200"))
 */
export function moeOpTime(
  spec: MoeOpSpec,
  engine: { readonly name: string; readonly version?: string },
  chip: Chip,
): number {
  const device = computeDevice(chip);
  const profile = withEngineOverlays(efficiencyProfileForChip(chip), {
    engine: engine.name,
    ...(engine.version !== undefined && { version: engine.version }),
    moeBackend: spec.backend,
  });
  return moeOpOperators(spec, engine, chip).reduce(
    (sum, op) => sum + operatorTime(op, device, profile).timeS,
    0,
  );
}
