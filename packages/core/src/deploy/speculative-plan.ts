/**
 * Speculative decoding with a separate draft model, as planned: the draft's architecture (an
 * EAGLE / EAGLE-3 head of a few decoder layers with the target's width, or a zoo model) and the
 * MTP-style accounting the step model and the serving simulator share (`MtpPlan`: the target
 * verifies 1 + draftTokens tokens per sequence per step and emits 1 + a + … + a^draftTokens).
 */

import type { Dtype } from "../hardware/index.ts";
import { builtinModel, type ModelArchitecture } from "../model/index.ts";
import { isSupernodeError, type SpeculativeSpec } from "../spec/index.ts";
import type { FieldFailure, MtpPlan } from "./plan-types.ts";
import type { Precision } from "./precision.ts";

export interface SpeculativeDraft {
  readonly method: SpeculativeSpec["method"];
  /** The draft network, run once per draft token on every decoding sequence. */
  readonly arch: ModelArchitecture;
  /** The draft's weight and GEMM format where it differs from the target's (`speculative.weights`). */
  readonly weights?: Dtype;
}

/**
 * The precision the draft runs and is stored in: the target's, or every matrix and GEMM in
 * `weights` (component formats and scheme dropped with it; KV cache, attention and payloads kept).
 * @example draftPrecision(precision, "bf16").weights // "bf16"
 */
export function draftPrecision(precision: Precision, weights: Dtype | undefined): Precision {
  if (weights === undefined) return precision;
  const { components: _components, weightScheme: _scheme, ...rest } = precision;
  return { ...rest, weights, activations: weights };
}

/**
 * An EAGLE head: `layers` dense decoder layers with the target's attention and width (a MoE
 * target's head uses its dense FFN size), its own LM head over `vocab` tokens. EAGLE's input
 * projection of the concatenated features (2 or 3 × hidden → hidden) is left out (one GEMM per
 * draft token, small next to the LM head).
 * @example eagleHead(builtinModel("llama-3.1-8b"), 1, 32000).numLayers // 1
 */
export function eagleHead(target: ModelArchitecture, layers: number, vocab: number): ModelArchitecture {
  const { moe: _moe, published: _published, ...rest } = target;
  return {
    ...rest,
    id: `${target.id}-eagle-head`,
    name: `EAGLE head of ${target.name} (${layers} layer${layers > 1 ? "s" : ""})`,
    numLayers: layers,
    vocabSize: vocab,
    tiedEmbeddings: false,
    mtpModules: 0,
  };
}

/**
 * @example planSpeculative({ method: "eagle3", draftLayers: 1, draftTokens: 3, acceptanceRate: 0.7 }, arch, fail).tokensPerStep // 2.533
 */
export function planSpeculative(
  spec: SpeculativeSpec,
  target: ModelArchitecture,
  fail: FieldFailure,
): MtpPlan {
  let arch: ModelArchitecture;
  if (spec.method === "draft-model") {
    if (spec.draftModel === undefined)
      fail(
        ["speculative", "draftModel"],
        "method draft-model needs draftModel (a zoo id, e.g. llama-3.1-8b)",
      );
    try {
      arch = builtinModel(spec.draftModel);
    } catch (error) {
      if (isSupernodeError(error)) fail(["speculative", "draftModel"], error.message);
      throw error;
    }
  } else {
    if (spec.draftModel !== undefined)
      fail(
        ["speculative", "draftModel"],
        `method ${spec.method} builds its head from the target; remove draftModel or use method draft-model`,
      );
    arch = eagleHead(target, spec.draftLayers, spec.draftVocabSize ?? target.vocabSize);
  }
  let tokens = 1;
  let p = 1;
  for (let i = 0; i < spec.draftTokens; i++) {
    p *= spec.acceptanceRate;
    tokens += p;
  }
  return {
    draftTokens: spec.draftTokens,
    acceptanceRate: spec.acceptanceRate,
    // The draft runs its own graph(s) in SGLang and TensorRT-LLM; counted as one launch per step.
    pipelined: true,
    tokensPerStep: tokens,
    draft: { method: spec.method, arch, ...(spec.weights !== undefined && { weights: spec.weights }) },
  };
}
