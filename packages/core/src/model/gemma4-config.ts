/**
 * Google Gemma 4 (`gemma4`, the language model under `text_config`; `gemma4_text` bare): GQA whose
 * sliding-window and global layers have their own shapes. Sliding layers (`layer_types`
 * `sliding_attention`, a `sliding_window`-token window) run `num_key_value_heads` KV heads of
 * `head_dim`; global layers run heads of `global_head_dim` and, with `attention_k_eq_v`,
 * `num_global_key_value_heads` KV heads whose values come from the key projection (no `v_proj`).
 * Every layer has per-head q/k RMSNorm and a gated GELU-tanh MLP `intermediate_size` wide; with
 * `enable_moe_block` (26B-A4B) a layer adds `num_experts` routed experts `moe_intermediate_size`
 * wide, top-`top_k_experts`, beside that MLP — read as one shared expert of the MLP's width.
 *
 * Sources: the config.json copies in ai-dynamo/aiconfigurator (google/gemma-4-26B-A4B,
 * nvidia/Gemma-4-31B-IT-NVFP4); transformers / vLLM Gemma 4 attention (`use_alternative_attention
 * = attention_k_eq_v and not is_sliding`: the global layers' KV heads are
 * `num_global_key_value_heads`, `v = k_proj(x)`, head dim `global_head_dim`). Assumed: the cache
 * keeps keys and values of a k_eq_v layer apart (the key is normed and rotated, the value only
 * normed). Not modelled: the vision tower, per-layer input embeddings and cross-layer KV sharing
 * of the small E2B / E4B models (refused), the extra pre/post-FFN norms and the router's scales
 * (vectors of hidden or expert size), logit soft-capping, proportional RoPE.
 */
import { z } from "zod";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import { moeDefaults } from "./gqa-moe-families.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import { count, type GqaConfig, gqaCommonKeys, MAX_EXPERTS, MAX_TOP_K } from "./hf-config-schemas.ts";
import { textConfigOf } from "./hf-config-wrapper.ts";
import type { AttentionSpec, ModelArchitecture, MoeSpec } from "./types.ts";

export const gemma4TextSchema = z.looseObject({
  ...gqaCommonKeys,
  global_head_dim: count("global_head_dim: head dim of the global layers").nullish(),
  num_global_key_value_heads: count("num_global_key_value_heads: KV heads of the global layers").nullish(),
  attention_k_eq_v: z.boolean().default(false),
  enable_moe_block: z.boolean().default(false),
  num_experts: count("num_experts: routed experts", 1, MAX_EXPERTS).nullish(),
  top_k_experts: count("top_k_experts: top-k", 1, MAX_TOP_K).nullish(),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width").nullish(),
  hidden_size_per_layer_input: count("hidden_size_per_layer_input", 0).default(0),
  num_kv_shared_layers: count("num_kv_shared_layers", 0).default(0),
});

type Gemma4Config = z.output<typeof gemma4TextSchema>;

function unsupported(at: SourceDocument, field: string, message: string): never {
  throw new SupernodeError("unsupported", message, fieldLocation(at, field));
}

function gemma4Moe(at: SourceDocument, c: Gemma4Config): MoeSpec | undefined {
  if (!c.enable_moe_block) return undefined;
  const experts = c.num_experts;
  const topK = c.top_k_experts;
  const width = c.moe_intermediate_size;
  const missing =
    experts == null
      ? "num_experts"
      : topK == null
        ? "top_k_experts"
        : width == null
          ? "moe_intermediate_size"
          : undefined;
  if (missing !== undefined || experts == null || topK == null || width == null)
    throw new SupernodeError(
      "schema",
      `enable_moe_block is true but ${missing} is missing: the MoE block needs num_experts, top_k_experts and moe_intermediate_size`,
      fieldLocation(at, missing ?? "num_experts"),
    );
  return {
    ...moeDefaults,
    numRoutedExperts: experts,
    topK,
    expertIntermediateSize: width,
    // The dense MLP every layer keeps beside the experts.
    numSharedExperts: 1,
    sharedExpertIntermediateSize: c.intermediate_size,
  };
}

/**
 * The Gemma 4 language model: the config as the GQA reader takes it (the sliding layers' shape),
 * the MoE, the document its fields sit in, and `finish` (the global layers' shape).
 * @example gemma4Config(doc).moe?.numRoutedExperts // 128 (26B-A4B)
 */
export function gemma4Config(doc: SourceDocument): {
  readonly at: SourceDocument;
  readonly c: GqaConfig;
  readonly moe: MoeSpec | undefined;
  readonly finish: (arch: ModelArchitecture) => ModelArchitecture;
} {
  const { at, c } = textConfigOf(doc, gemma4TextSchema);
  if (c.hidden_size_per_layer_input > 0)
    unsupported(
      at,
      "hidden_size_per_layer_input",
      "per-layer input embeddings (Gemma 4 E2B / E4B) are not modelled: hidden_size_per_layer_input must be 0",
    );
  if (c.num_kv_shared_layers > 0)
    unsupported(
      at,
      "num_kv_shared_layers",
      "cross-layer KV sharing (Gemma 4 E2B / E4B) is not modelled: num_kv_shared_layers must be 0",
    );
  const kvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  const globalKvHeads = c.attention_k_eq_v ? (c.num_global_key_value_heads ?? kvHeads) : kvHeads;
  if (c.num_attention_heads % globalKvHeads !== 0)
    throw new SupernodeError(
      "invalid-value",
      `num_attention_heads ${c.num_attention_heads} must be a multiple of num_global_key_value_heads ${globalKvHeads}`,
      fieldLocation(at, "num_global_key_value_heads"),
    );
  const finish = (arch: ModelArchitecture): ModelArchitecture => {
    if (arch.attention.kind !== "gqa") return arch;
    const sliding: AttentionSpec = { ...arch.attention, qkNorm: true };
    const global: AttentionSpec = {
      ...sliding,
      numKvHeads: globalKvHeads,
      headDim: c.global_head_dim ?? sliding.headDim,
      ...(c.attention_k_eq_v ? { valueFromKey: true } : {}),
    };
    const sw = arch.slidingWindow;
    return {
      ...arch,
      attention: global,
      ...(sw === undefined ? {} : { slidingWindow: { ...sw, attention: sliding } }),
    };
  };
  return { at, c, moe: gemma4Moe(at, c), finish };
}
