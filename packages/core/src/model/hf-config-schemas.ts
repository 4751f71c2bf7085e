/**
 * The zod schemas of the Hugging Face `config.json` families we read (shared keys, then one schema
 * per family), and the `_supernode` block zoo files carry. Parsing logic is in hf-config.ts.
 */
import { z } from "zod";
import { groupThousands, quantSchemeSchema } from "../spec/index.ts";

/**
 * Upper bounds that refuse absurd sizes up front (per-layer and per-expert state is allocated from
 * these). The largest published models are far inside them: 126 layers (Llama 3.1 405B), 384 routed
 * experts (Kimi K2), 16,384 hidden (Llama 3.1 405B), 256K vocabulary (Gemma).
 */
export const MAX_SIZE = 2 ** 24;
export const MAX_LAYERS = 10_000;
export const MAX_EXPERTS = 65_536;
export const MAX_TOP_K = 1_024;
export const MAX_MTP_MODULES = 16;

export function count(what: string, min = 1, max = MAX_SIZE) {
  const expected = `an integer from ${min} to ${groupThousands(max)} (${what})`;
  return z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? `required field is missing: expected ${expected}`
          : `expected ${expected}, got ${JSON.stringify(issue.input)}`,
    })
    .int({ error: `expected ${expected}` })
    .min(min, { error: `expected ${expected}` })
    .max(max, { error: (issue) => `expected ${expected}, got ${JSON.stringify(issue.input)}` });
}

const publishedCount = z.object({
  value: z.number().positive(),
  source: z.string(),
  note: z.string().optional(),
  /** The publisher counts the embedding table among activated parameters (Qwen3-30B-A3B's 3.3B). */
  includesEmbedding: z.boolean().optional(),
});

export const supernodeMeta = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  aliases: z
    .array(z.object({ id: z.string().min(1), name: z.string().min(1), config: z.string() }))
    .default([]),
  source: z.object({ config: z.string(), notes: z.string().optional() }),
  published: z
    .object({
      totalParams: publishedCount.optional(),
      activatedParams: publishedCount.optional(),
      mtpParams: publishedCount.optional(),
    })
    .default({}),
  notes: z.array(z.string()).default([]),
  /** Components the published checkpoint stores in their own format (FP4 presets). */
  checkpoint: z
    .record(
      z.enum(["attention", "dense-ffn", "routed-experts", "shared-experts"]),
      z.strictObject({
        dtype: z.enum(["bf16", "fp16", "fp8", "int8", "fp4", "int4"]),
        scheme: quantSchemeSchema,
      }),
    )
    .optional(),
});

/** Zoo metadata carried beside the HF fields. */
export type SupernodeModelMeta = z.output<typeof supernodeMeta>;

/** The keys every family shares (nemotron-h-config.ts relaxes two of them). */
export const common = {
  model_type: z.string(),
  hidden_size: count("hidden_size: model width"),
  num_hidden_layers: count("num_hidden_layers: decoder layers", 1, MAX_LAYERS),
  num_attention_heads: count("num_attention_heads: query heads"),
  vocab_size: count("vocab_size: vocabulary entries"),
  intermediate_size: count("intermediate_size: dense FFN width"),
  num_key_value_heads: count("num_key_value_heads").nullish(),
  head_dim: count("head_dim").nullish(),
  tie_word_embeddings: z.boolean().default(false),
  max_position_embeddings: count("max_position_embeddings").default(4096),
  torch_dtype: z.string().nullish(),
  /** The name transformers ≥ 4.56 writes instead of `torch_dtype`. */
  dtype: z.string().nullish(),
  attention_bias: z.boolean().default(false),
  quantization_config: z.looseObject({ quant_method: z.string().optional() }).nullish(),
  /** Per-layer attention kind (transformers >= 4.54); `sliding_attention` layers use `sliding_window`. */
  layer_types: z.array(z.enum(["full_attention", "sliding_attention"])).nullish(),
  sliding_window: count("sliding_window: attended tokens of a windowed layer").nullish(),
  /** RoPE scaling (`rope_type` or the older `type`; YaRN's `factor`, `mscale`, `mscale_all_dim`). */
  rope_scaling: z
    .looseObject({
      rope_type: z.string().nullish(),
      type: z.string().nullish(),
      factor: z.number().positive().nullish(),
      mscale: z.number().nullish(),
      mscale_all_dim: z.number().nullish(),
    })
    .nullish(),
  _supernode: supernodeMeta.optional(),
};

/** The keys every GQA-family config shares (other files' schemas extend them: gemma4-config.ts). */
export const gqaCommonKeys = common;

export const gqaSchema = z.looseObject(common);

/** The fields every GQA-family config shares, as read (the other families' schemas extend them). */
export type GqaConfig = z.output<typeof gqaSchema>;

export const mixtralSchema = z.looseObject({
  ...common,
  num_local_experts: count("num_local_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
});

export const qwen3MoeSchema = z.looseObject({
  ...common,
  num_experts: count("num_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  decoder_sparse_step: count("decoder_sparse_step").default(1),
  mlp_only_layers: z.array(z.number().int().min(0)).default([]),
});

/** DeepSeek-V3's MoE keys, which GLM-4.5 reads too (gqa-moe-families.ts `deepseekMoe`). */
export const deepseekMoeKeys = {
  n_routed_experts: count("n_routed_experts: routed experts", 1, MAX_EXPERTS),
  n_shared_experts: count("n_shared_experts", 0, MAX_EXPERTS).default(0),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  first_k_dense_replace: count("first_k_dense_replace: leading dense layers", 0, MAX_LAYERS).default(0),
  n_group: count("n_group").nullish(),
  topk_group: count("topk_group").nullish(),
};

export const deepseekSchema = z.looseObject({
  ...common,
  ...deepseekMoeKeys,
  moe_layer_freq: count("moe_layer_freq").default(1),
  kv_lora_rank: count("kv_lora_rank: MLA latent width"),
  q_lora_rank: count("q_lora_rank").nullable(),
  qk_nope_head_dim: count("qk_nope_head_dim"),
  qk_rope_head_dim: count("qk_rope_head_dim"),
  v_head_dim: count("v_head_dim"),
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).default(0),
  /** DeepSeek Sparse Attention (DeepSeek-V3.2, `deepseek_v32`): all three or none. */
  index_n_heads: count("index_n_heads: lightning-indexer heads").optional(),
  index_head_dim: count("index_head_dim: lightning-indexer head dim").optional(),
  index_topk: count("index_topk: keys each query attends").optional(),
  /** GLM-5.2: per layer, `full` runs its own indexer, `shared` reuses the previous indexer's top-k. */
  indexer_types: z.array(z.enum(["full", "shared"])).nullish(),
});

/** gpt-oss: GQA with sinks and biases, alternating sliding/full attention, biased MoE experts. */
export const gptOssSchema = z.looseObject({
  ...common,
  num_local_experts: count("num_local_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  swiglu_limit: z.number().positive().nullish(),
});

/**
 * Llama 4's text model (`llama4_text`, the `text_config` of a Llama 4 checkpoint): GQA, MoE every
 * `interleave_moe_layer_step`-th layer (or the listed `moe_layers`) with one shared expert, dense
 * layers `intermediate_size_mlp` wide, chunked local attention on the RoPE layers.
 */
export const llama4Schema = z.looseObject({
  ...common,
  num_local_experts: count("num_local_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  intermediate_size_mlp: count("intermediate_size_mlp: dense FFN width"),
  interleave_moe_layer_step: count("interleave_moe_layer_step", 1, MAX_LAYERS).default(1),
  moe_layers: z.array(z.number().int().min(0)).nullish(),
  attention_chunk_size: count("attention_chunk_size: tokens per local-attention chunk").nullish(),
  /** Per layer: 1 = RoPE layer (chunked local attention), 0 = NoPE layer (global attention). */
  no_rope_layers: z.array(z.number().int().min(0).max(1)).nullish(),
  no_rope_layer_interval: count("no_rope_layer_interval", 1, MAX_LAYERS).default(4),
});

/** A full Llama 4 checkpoint config (`model_type: llama4`): the text model under `text_config`. */
export const llama4WrapperSchema = z.looseObject({
  text_config: llama4Schema,
  _supernode: supernodeMeta.optional(),
});

/**
 * GLM-4.5 / 4.6 / 4.7 (`glm4_moe`): GQA with q/k/v biases (`attention_bias`; `o_proj` has none) and
 * an optional per-head q/k RMSNorm (`use_qk_norm`), then DeepSeek-V3-style MoE: `first_k_dense_replace`
 * dense layers, routed + shared experts `moe_intermediate_size` wide, a sigmoid router with a
 * correction bias, `num_nextn_predict_layers` MTP modules.
 */
export const glm4MoeSchema = z.looseObject({
  ...common,
  ...deepseekMoeKeys,
  use_qk_norm: z.boolean().default(false),
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).default(0),
});

/**
 * MiniMax-M2 (`minimax_m2`): GQA without biases, q/k RMSNorm over the whole projection
 * (`qk_norm_type: per_layer`), MoE in every layer with `num_local_experts` experts
 * `intermediate_size` wide, a sigmoid router with a correction bias (`use_routing_bias`), and no
 * shared expert (`shared_intermediate_size` 0).
 */
export const minimaxM2Schema = z.looseObject({
  ...common,
  num_local_experts: count("num_local_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  shared_intermediate_size: count("shared_intermediate_size: shared expert width (0: none)", 0).default(0),
  use_qk_norm: z.boolean().default(false),
  qk_norm_type: z.enum(["per_layer", "per_head"]).default("per_layer"),
  use_routing_bias: z.boolean().default(false),
});

/** Qwen3-Next's MoE keys (Qwen3-MoE's plus one shared expert), which Qwen3.5's MoE configs keep. */
const qwen3NextMoeKeys = {
  num_experts: count("num_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  shared_expert_intermediate_size: count("shared_expert_intermediate_size (0: none)", 0).default(0),
  decoder_sparse_step: count("decoder_sparse_step").default(1),
  mlp_only_layers: z.array(z.number().int().min(0)).default([]),
};

/** The hybrid layer plan and Gated DeltaNet shape (Qwen3-Next, Qwen3.5). */
const gatedDeltaNetKeys = {
  full_attention_interval: count("full_attention_interval: one full-attention layer every N", 1, MAX_LAYERS),
  linear_num_key_heads: count("linear_num_key_heads"),
  linear_num_value_heads: count("linear_num_value_heads"),
  linear_key_head_dim: count("linear_key_head_dim"),
  linear_value_head_dim: count("linear_value_head_dim"),
  linear_conv_kernel_dim: count("linear_conv_kernel_dim", 1, 64).default(4),
};

const linearLayerTypes = z.array(z.enum(["full_attention", "linear_attention"])).nullish();

/**
 * Qwen3-Next (`qwen3_next`): every `full_attention_interval`-th layer is gated GQA attention (per-head
 * q/k RMSNorm, a sigmoid output gate), the others Gated DeltaNet linear attention
 * (`linear_num_key_heads` / `linear_num_value_heads` heads of `linear_key_head_dim` /
 * `linear_value_head_dim`, a `linear_conv_kernel_dim` convolution); MoE as Qwen3-MoE plus one
 * gated shared expert `shared_expert_intermediate_size` wide.
 */
export const qwen3NextSchema = z.looseObject({
  ...common,
  ...qwen3NextMoeKeys,
  ...gatedDeltaNetKeys,
  /**
   * MTP layers: the checkpoint's `mtp.*` module, which vLLM reads as
   * `getattr(config, "num_nextn_predict_layers", 1)` (qwen3_next_mtp.py): 1 when absent.
   */
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).default(1),
  /** Per-layer kinds when the config lists them (newer transformers); else the interval rule. */
  layer_types: linearLayerTypes,
});

/**
 * Qwen3.5's Gated DeltaNet keys (transformers `Qwen3_5TextConfig` / `Qwen3_5MoeTextConfig`): the
 * layout of Qwen3-Next, with the MTP depth as `mtp_num_hidden_layers`.
 */
const qwen35LinearKeys = {
  ...gatedDeltaNetKeys,
  /** The checkpoint's `mtp.*` layers (Qwen3.5 writes the key; vLLM's qwen3_5_mtp.py reads it). */
  mtp_num_hidden_layers: count("mtp_num_hidden_layers: MTP modules", 0, MAX_MTP_MODULES).default(1),
  /** The sigmoid gate on the full-attention output (`q_proj` emits query and gate). */
  attn_output_gate: z.boolean().default(true),
  layer_types: linearLayerTypes,
};

/** Qwen3.5 dense (`qwen3_5_text`, e.g. Qwen3.5-27B): hybrid attention over a dense SwiGLU FFN. */
export const qwen35DenseTextSchema = z.looseObject({ ...common, ...qwen35LinearKeys });

/**
 * Qwen3.5 MoE (`qwen3_5_moe_text`, e.g. Qwen3.5-397B-A17B): hybrid attention, MoE as Qwen3-Next's.
 * The MoE checkpoints carry no `intermediate_size` (no dense layer); it is needed only when
 * `mlp_only_layers` lists one.
 */
export const qwen35MoeTextSchema = z.looseObject({
  ...common,
  intermediate_size: count("intermediate_size: dense FFN width of mlp_only_layers").nullish(),
  ...qwen3NextMoeKeys,
  ...qwen35LinearKeys,
});
