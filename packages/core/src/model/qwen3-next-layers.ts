/**
 * Qwen3-Next's layer plan from its `config.json` (transformers `Qwen3NextConfig`, vLLM / SGLang
 * `qwen3_next.py`):
 *
 * - layer i is full (gated softmax) attention when `(i + 1) % full_attention_interval == 0`, else
 *   Gated DeltaNet linear attention (`layer_types` overrides the rule when the config lists it);
 * - full-attention layers are GQA with per-head q/k RMSNorm and a sigmoid output gate (`q_proj`
 *   emits query and gate: 2 × heads × head_dim);
 * - MoE as Qwen3-MoE (`decoder_sparse_step`, `mlp_only_layers`) with one shared expert
 *   `shared_expert_intermediate_size` wide (its scalar sigmoid gate, hidden → 1, is not counted);
 * - `num_nextn_predict_layers` MTP modules, 1 when the config omits the key (vLLM's default, as the
 *   published checkpoints carry one `mtp.*` module): a full-attention MoE layer behind the fc.
 */
import type { z } from "zod";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import type { qwen3NextSchema } from "./hf-config-schemas.ts";
import type { AttentionSpec, LinearAttentionSpec, ModelArchitecture, MoeSpec } from "./types.ts";

type Qwen3NextConfig = z.output<typeof qwen3NextSchema>;

/** The keys the hybrid layer plan reads (Qwen3-Next and Qwen3.5 share them). */
export type LinearLayerKeys = Pick<
  Qwen3NextConfig,
  | "num_hidden_layers"
  | "full_attention_interval"
  | "linear_num_key_heads"
  | "linear_num_value_heads"
  | "linear_key_head_dim"
  | "linear_value_head_dim"
  | "linear_conv_kernel_dim"
  | "layer_types"
>;

/**
 * The linear-attention layers and their Gated DeltaNet shape.
 * @example qwen3NextLinearAttention(doc, config).layers.length // 36 of 48 (interval 4)
 */
export function qwen3NextLinearAttention(doc: SourceDocument, c: LinearLayerKeys): LinearAttentionSpec {
  const types = c.layer_types;
  if (types !== undefined && types !== null && types.length !== c.num_hidden_layers)
    throw new SupernodeError(
      "invalid-value",
      `layer_types has ${types.length} entries but num_hidden_layers is ${c.num_hidden_layers}; expected one per layer`,
      fieldLocation(doc, "layer_types"),
    );
  const layers = Array.from({ length: c.num_hidden_layers }, (_, i) => i).filter((i) =>
    types !== undefined && types !== null
      ? types[i] === "linear_attention"
      : (i + 1) % c.full_attention_interval !== 0,
  );
  return {
    layers,
    numKeyHeads: c.linear_num_key_heads,
    numValueHeads: c.linear_num_value_heads,
    keyHeadDim: c.linear_key_head_dim,
    valueHeadDim: c.linear_value_head_dim,
    convKernel: c.linear_conv_kernel_dim,
  };
}

/** Qwen3-MoE's layout with Qwen3-Next's shared expert. */
export function qwen3NextMoe(
  c: Pick<
    Qwen3NextConfig,
    | "num_experts"
    | "num_experts_per_tok"
    | "moe_intermediate_size"
    | "shared_expert_intermediate_size"
    | "decoder_sparse_step"
    | "mlp_only_layers"
  >,
): MoeSpec {
  const shared = c.shared_expert_intermediate_size;
  return {
    numRoutedExperts: c.num_experts,
    numSharedExperts: shared > 0 ? 1 : 0,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.moe_intermediate_size,
    sharedExpertIntermediateSize: shared > 0 ? shared : c.moe_intermediate_size,
    firstKDenseLayers: 0,
    layerFrequency: c.decoder_sparse_step,
    numExpertGroups: 1,
    topKGroups: 1,
    frequencyBase: "index+1",
    denseLayerIndices: c.mlp_only_layers,
  };
}

/**
 * The GQA architecture read from the common keys, with Qwen3-Next's gated attention and linear
 * layers, and `mtpModules` MTP modules (Qwen3-Next: `num_nextn_predict_layers`; Qwen3.5:
 * `mtp_num_hidden_layers`). `outputGate` false drops the sigmoid gate (Qwen3.5's `attn_output_gate`).
 */
export function withQwen3Next(
  doc: SourceDocument,
  arch: ModelArchitecture,
  c: LinearLayerKeys,
  mtpModules: number,
  outputGate = true,
): ModelArchitecture {
  if (arch.attention.kind !== "gqa") return arch;
  const attention: AttentionSpec = { ...arch.attention, qkNorm: true, ...(outputGate ? { outputGate } : {}) };
  return { ...arch, attention, linearAttention: qwen3NextLinearAttention(doc, c), mtpModules };
}
