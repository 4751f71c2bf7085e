/**
 * Xiaomi MiMo-V2-Flash (`mimo_v2_flash`): GQA whose global and sliding-window layers have their own
 * shapes (`num_key_value_heads` / `head_dim` / `v_head_dim` against `swa_num_attention_heads`,
 * `swa_num_key_value_heads`, `swa_head_dim`, `swa_v_head_dim`: 192-wide queries and keys, 128-wide
 * values), the layer plan in `hybrid_layer_pattern` (1 = a `sliding_window`-token window, 0 = global),
 * a learned attention sink on the windowed layers (`add_swa_attention_sink_bias`), and a
 * DeepSeek-style MoE without shared experts on the layers `moe_layer_freq` marks 1 (the others
 * dense, `intermediate_size` wide), routed by a sigmoid with a correction bias (`noaux_tc`).
 *
 * Sources: the config.json of XiaomiMiMo/MiMo-V2-Flash (ai-dynamo/aiconfigurator's copy), SGLang's
 * and vLLM's `mimo_v2_flash.py` (MiMoV2Attention takes `swa_*` shapes on the windowed layers, the
 * sink bias where `add_swa_attention_sink_bias`; no q/k norm). Not modelled: the MTP layers
 * (three in the checkpoint, a windowed attention over a dense FFN; config.json states no
 * `num_nextn_predict_layers`), partial rotary, `attention_value_scale` (free).
 */
import { z } from "zod";
import { type SourceDocument, SupernodeError, validateDocument } from "../spec/index.ts";
import { moeDefaults } from "./gqa-moe-families.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import { count, type GqaConfig, gqaCommonKeys, MAX_EXPERTS, MAX_TOP_K } from "./hf-config-schemas.ts";
import type { AttentionSpec, ModelArchitecture, MoeSpec } from "./types.ts";

const layerFlags = z.array(z.number().int().min(0).max(1));

export const mimoV2FlashSchema = z.looseObject({
  ...gqaCommonKeys,
  v_head_dim: count("v_head_dim: value head dim of the global layers").nullish(),
  swa_num_attention_heads: count("swa_num_attention_heads: query heads of the sliding-window layers"),
  swa_num_key_value_heads: count("swa_num_key_value_heads: KV heads of the sliding-window layers"),
  swa_head_dim: count("swa_head_dim: query/key head dim of the sliding-window layers"),
  swa_v_head_dim: count("swa_v_head_dim: value head dim of the sliding-window layers").nullish(),
  /** Per layer: 1 = sliding-window attention, 0 = global attention. */
  hybrid_layer_pattern: layerFlags,
  sliding_window_size: count("sliding_window_size: attended tokens of a windowed layer").nullish(),
  /** Per layer: 1 = MoE, 0 = dense FFN. */
  moe_layer_freq: layerFlags,
  n_routed_experts: count("n_routed_experts: routed experts", 1, MAX_EXPERTS),
  n_shared_experts: count("n_shared_experts", 0, MAX_EXPERTS).nullish(),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  topk_method: z.string().nullish(),
  add_full_attention_sink_bias: z.boolean().default(false),
  add_swa_attention_sink_bias: z.boolean().default(false),
});

type MimoConfig = z.output<typeof mimoV2FlashSchema>;

/** A per-layer list with one entry per layer, or a clear error naming it. */
function checkPerLayer(doc: SourceDocument, c: MimoConfig, field: "hybrid_layer_pattern" | "moe_layer_freq") {
  const list = c[field];
  if (list.length !== c.num_hidden_layers)
    throw new SupernodeError(
      "invalid-value",
      `${field} has ${list.length} entries but num_hidden_layers is ${c.num_hidden_layers}; expected one 0/1 flag per layer`,
      fieldLocation(doc, field),
    );
}

/**
 * The config as the GQA reader takes it (the global layers' shape, `layer_types` from the hybrid
 * pattern), the MoE, and what the built architecture still needs (`finish`: value head dims, sinks,
 * the windowed layers' own shape).
 * @example mimoV2FlashConfig(doc).c.layer_types?.filter((t) => t === "full_attention").length // 9
 */
export function mimoV2FlashConfig(doc: SourceDocument): {
  readonly c: GqaConfig;
  readonly moe: MoeSpec;
  readonly finish: (arch: ModelArchitecture) => ModelArchitecture;
} {
  const c = validateDocument(doc, mimoV2FlashSchema);
  checkPerLayer(doc, c, "hybrid_layer_pattern");
  checkPerLayer(doc, c, "moe_layer_freq");
  if (c.swa_num_attention_heads % c.swa_num_key_value_heads !== 0)
    throw new SupernodeError(
      "invalid-value",
      `swa_num_attention_heads ${c.swa_num_attention_heads} must be a multiple of swa_num_key_value_heads ${c.swa_num_key_value_heads}`,
      fieldLocation(doc, "swa_num_key_value_heads"),
    );
  const layerTypes = c.hybrid_layer_pattern.map((f) => (f === 1 ? "sliding_attention" : "full_attention"));
  const moe: MoeSpec = {
    ...moeDefaults,
    numRoutedExperts: c.n_routed_experts,
    numSharedExperts: c.n_shared_experts ?? 0,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.moe_intermediate_size,
    sharedExpertIntermediateSize: c.moe_intermediate_size,
    frequencyBase: "index",
    denseLayerIndices: c.moe_layer_freq.flatMap((f, i) => (f === 0 ? [i] : [])),
    // noaux_tc: DeepSeek-V3's sigmoid top-k with a per-expert correction bias.
    routerBias: c.topk_method === "noaux_tc",
  };
  const windowed: AttentionSpec = {
    kind: "gqa",
    numHeads: c.swa_num_attention_heads,
    numKvHeads: c.swa_num_key_value_heads,
    headDim: c.swa_head_dim,
    ...(c.swa_v_head_dim != null && c.swa_v_head_dim !== c.swa_head_dim
      ? { vHeadDim: c.swa_v_head_dim }
      : {}),
    ...(c.add_swa_attention_sink_bias ? { sinks: true } : {}),
  };
  const finish = (arch: ModelArchitecture): ModelArchitecture => {
    if (arch.attention.kind !== "gqa") return arch;
    const attention: AttentionSpec = {
      ...arch.attention,
      ...(c.v_head_dim != null && c.v_head_dim !== arch.attention.headDim ? { vHeadDim: c.v_head_dim } : {}),
      ...(c.add_full_attention_sink_bias ? { sinks: true } : {}),
    };
    const sw = arch.slidingWindow;
    return {
      ...arch,
      attention,
      ...(sw === undefined ? {} : { slidingWindow: { ...sw, attention: windowed } }),
    };
  };
  return {
    c: { ...c, layer_types: layerTypes, sliding_window: c.sliding_window ?? c.sliding_window_size },
    moe,
    finish,
  };
}
