/**
 * The MoE read from Mixtral-, Qwen3-MoE- and DeepSeek-style keys, and the MoE layout and attention
 * extras of the GQA + MoE families built on them: GLM-4.5/4.6/4.7 (`glm4_moe`) and MiniMax-M2
 * (`minimax_m2`). hf-config.ts builds the architecture around them.
 *
 * Sources (each value is what the model code reads from `config.json`):
 * - GLM: transformers `models/glm4_moe` (`Glm4MoeAttention`: q/k/v biases from `attention_bias`,
 *   `o_proj` without bias, per-head q/k RMSNorm when `use_qk_norm`; `Glm4MoeMoE`: DeepSeek-V3's
 *   top-k router with `e_score_correction_bias`, `n_shared_experts` shared experts
 *   `moe_intermediate_size` wide; dense below `first_k_dense_replace`).
 * - MiniMax-M2: vLLM / SGLang `minimax_m2.py` (q/k RMSNorm over all heads of the rank, its mean
 *   square all-reduced over attention TP; `block_sparse_moe` of `num_local_experts` experts
 *   `intermediate_size` wide, sigmoid router with `e_score_correction_bias` when
 *   `use_routing_bias`). Its `num_mtp_modules` are not read: neither engine loads them.
 */
import type { z } from "zod";
import type { deepseekMoeKeys, glm4MoeSchema, minimaxM2Schema, qwen3MoeSchema } from "./hf-config-schemas.ts";
import type { AttentionSpec, ModelArchitecture, MoeSpec } from "./types.ts";

type Gqa = Extract<AttentionSpec, { kind: "gqa" }>;

/** What a family sets beyond the common GQA fields. */
export interface GqaMoeFamily {
  readonly moe: MoeSpec;
  readonly attention: Pick<Gqa, "qkvBias" | "qkNorm" | "qkNormScope" | "outputBias">;
  readonly mtpModules: number;
}

/** The MoE fields a family without groups, shared experts or dense layers leaves at their neutral value. */
export const moeDefaults = {
  numSharedExperts: 0,
  firstKDenseLayers: 0,
  layerFrequency: 1,
  numExpertGroups: 1,
  topKGroups: 1,
} as const;

/** The MoE of a Mixtral-style config (also gpt-oss): `num_local_experts` experts, each `intermediate_size` wide. */
export function localExpertMoe(c: {
  readonly num_local_experts: number;
  readonly num_experts_per_tok: number;
  readonly intermediate_size: number;
}) {
  return {
    ...moeDefaults,
    numRoutedExperts: c.num_local_experts,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.intermediate_size,
    sharedExpertIntermediateSize: c.intermediate_size,
  };
}

/** The MoE of a Qwen3-MoE config: every `decoder_sparse_step`-th layer but `mlp_only_layers`, no shared expert. */
export function qwen3Moe(c: z.output<typeof qwen3MoeSchema>): MoeSpec {
  return {
    ...moeDefaults,
    numRoutedExperts: c.num_experts,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.moe_intermediate_size,
    sharedExpertIntermediateSize: c.moe_intermediate_size,
    layerFrequency: c.decoder_sparse_step,
    frequencyBase: "index+1",
    denseLayerIndices: c.mlp_only_layers,
  };
}

/**
 * The MoE of a DeepSeek-V3-style config (also GLM-4.5): routed and shared experts
 * `moe_intermediate_size` wide, dense below `first_k_dense_replace`, a grouped top-k router with a
 * correction bias; MoE every `layerFrequency`-th layer from there.
 */
export function deepseekMoe(
  c: Pick<z.output<typeof glm4MoeSchema>, keyof typeof deepseekMoeKeys>,
  layerFrequency: number,
): MoeSpec {
  return {
    numRoutedExperts: c.n_routed_experts,
    numSharedExperts: c.n_shared_experts,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.moe_intermediate_size,
    sharedExpertIntermediateSize: c.moe_intermediate_size,
    firstKDenseLayers: c.first_k_dense_replace,
    layerFrequency,
    numExpertGroups: c.n_group ?? 1,
    topKGroups: c.topk_group ?? 1,
    frequencyBase: "index",
    routerBias: true,
  };
}

/** GLM-4.5/4.6/4.7: DeepSeek-V3's MoE layout (in every layer past the dense ones) over GQA with q/k/v biases only. */
export function glm4MoeFamily(c: z.output<typeof glm4MoeSchema>): GqaMoeFamily {
  return {
    moe: deepseekMoe(c, 1),
    attention: { qkvBias: c.attention_bias, qkNorm: c.use_qk_norm, outputBias: false },
    mtpModules: c.num_nextn_predict_layers,
  };
}

/** MiniMax-M2: MoE in every layer, no shared expert unless `shared_intermediate_size` says so. */
export function minimaxM2Family(c: z.output<typeof minimaxM2Schema>): GqaMoeFamily {
  const shared = c.shared_intermediate_size;
  return {
    moe: {
      numRoutedExperts: c.num_local_experts,
      numSharedExperts: shared > 0 ? 1 : 0,
      topK: c.num_experts_per_tok,
      expertIntermediateSize: c.intermediate_size,
      sharedExpertIntermediateSize: shared > 0 ? shared : c.intermediate_size,
      firstKDenseLayers: 0,
      layerFrequency: 1,
      numExpertGroups: 1,
      topKGroups: 1,
      routerBias: c.use_routing_bias,
    },
    attention: {
      qkvBias: c.attention_bias,
      qkNorm: c.use_qk_norm,
      ...(c.use_qk_norm ? { qkNormScope: c.qk_norm_type === "per_layer" ? "projection" : "head" } : {}),
      outputBias: c.attention_bias,
    },
    mtpModules: 0,
  };
}

/** A GQA architecture with a family's attention extras (an `o_proj` bias only where it has one) and MTP count. */
export function withFamilyAttention(arch: ModelArchitecture, f: GqaMoeFamily): ModelArchitecture {
  if (arch.attention.kind !== "gqa") return arch;
  const { outputBias, ...extras } = f.attention;
  const { outputBias: _ignored, ...common } = arch.attention;
  const attention: AttentionSpec = { ...common, ...extras, ...(outputBias === true ? { outputBias } : {}) };
  return { ...arch, attention, mtpModules: f.mtpModules };
}
