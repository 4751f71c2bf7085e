/**
 * Meituan LongCat-Flash (`longcat_flash`): `num_layers` blocks, each two MLA sublayers with a dense
 * SwiGLU MLP `ffn_hidden_size` wide after each, and one shortcut-connected MoE fed by the first
 * sublayer's post-attention norm, whose output joins the residual after the second MLP. Read as
 * 2 × `num_layers` decoder layers (transformers sets `num_hidden_layers = 2 × num_layers`; each
 * sublayer has its own MLA cache): even layers MLA + MoE with the layer's dense MLP read as one
 * shared expert (same FLOPs, bytes and parameters), odd layers MLA + dense MLP. The MoE has
 * `n_routed_experts` experts `expert_ffn_hidden_size` wide plus `zero_expert_num` zero-computation
 * experts; the router picks `moe_topk` of them (zero-experts.ts). MLA as DeepSeek-V3's, with the
 * LoRA scales (vector ops, not modelled).
 *
 * Source: transformers `LongcatFlashConfig` / `LongcatFlashDecoderLayer` (modular_longcat_flash.py),
 * whose defaults are the meituan-longcat/LongCat-Flash-Chat checkpoint's. Not modelled: the
 * shortcut's overlap of the MoE's dispatch with the dense MLP and the second sublayer (ScMoE: the
 * MoE is timed in line), the checkpoint's MTP module (not in config.json; `model.mtp.*` weights).
 */
import { z } from "zod";
import { type SourceDocument, SupernodeError, validateDocument } from "../spec/index.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import {
  common,
  count,
  type deepseekSchema,
  MAX_EXPERTS,
  MAX_LAYERS,
  MAX_TOP_K,
} from "./hf-config-schemas.ts";
import type { ModelArchitecture } from "./types.ts";
import { expectedRoutedPicks, type ZeroExpertSpec } from "./zero-experts.ts";

export const longcatFlashSchema = z.looseObject({
  ...common,
  num_hidden_layers: count("num_hidden_layers: sublayers, 2 × num_layers", 2, 2 * MAX_LAYERS).nullish(),
  num_layers: count("num_layers: blocks of two sublayers", 1, MAX_LAYERS),
  intermediate_size: count("intermediate_size").nullish(),
  ffn_hidden_size: count("ffn_hidden_size: dense MLP width"),
  expert_ffn_hidden_size: count("expert_ffn_hidden_size: routed expert width"),
  n_routed_experts: count("n_routed_experts: routed experts", 1, MAX_EXPERTS),
  zero_expert_num: count("zero_expert_num: zero-computation experts", 0, MAX_EXPERTS).default(0),
  moe_topk: count("moe_topk: experts picked per token, routed and zero", 1, MAX_TOP_K),
  kv_lora_rank: count("kv_lora_rank: MLA latent width"),
  q_lora_rank: count("q_lora_rank").nullable(),
  qk_nope_head_dim: count("qk_nope_head_dim"),
  qk_rope_head_dim: count("qk_rope_head_dim"),
  v_head_dim: count("v_head_dim"),
});

/**
 * The config as DeepSeek-V3's reader takes it (sublayers, dense width, MoE every other sublayer
 * with one shared expert) and `finish`: the family, the shared expert's width and the zero experts.
 * @example longcatFlashConfig(doc).c.num_hidden_layers // 56 (LongCat-Flash-Chat)
 */
export function longcatFlashConfig(doc: SourceDocument): {
  readonly c: z.output<typeof deepseekSchema>;
  readonly finish: (arch: ModelArchitecture) => ModelArchitecture;
} {
  const c = validateDocument(doc, longcatFlashSchema);
  const layers = 2 * c.num_layers;
  if (c.num_hidden_layers != null && c.num_hidden_layers !== layers)
    throw new SupernodeError(
      "invalid-value",
      `num_hidden_layers ${c.num_hidden_layers} must be 2 × num_layers (${layers}): each block is two sublayers`,
      fieldLocation(doc, "num_hidden_layers"),
    );
  const zero: ZeroExpertSpec = { count: c.zero_expert_num, slots: c.moe_topk };
  if (c.moe_topk > c.n_routed_experts + c.zero_expert_num)
    throw new SupernodeError(
      "invalid-value",
      `moe_topk ${c.moe_topk} exceeds the ${c.n_routed_experts + c.zero_expert_num} experts (n_routed_experts + zero_expert_num)`,
      fieldLocation(doc, "moe_topk"),
    );
  const deepseekShaped = {
    ...c,
    num_hidden_layers: layers,
    intermediate_size: c.ffn_hidden_size,
    n_shared_experts: 1,
    num_experts_per_tok: c.moe_topk,
    moe_intermediate_size: c.expert_ffn_hidden_size,
    first_k_dense_replace: 0,
    moe_layer_freq: 2,
    num_nextn_predict_layers: 0,
  };
  const finish = (arch: ModelArchitecture): ModelArchitecture => {
    const moe = arch.moe;
    if (moe === undefined) return arch;
    return {
      ...arch,
      family: "longcat_flash",
      moe: {
        ...moe,
        // moe_topk itself without zero experts (slots × routed ÷ routed).
        topK: expectedRoutedPicks(c.n_routed_experts, zero),
        // The sublayer's dense MLP, read as a shared expert beside the routed ones.
        sharedExpertIntermediateSize: c.ffn_hidden_size,
        numExpertGroups: 1,
        topKGroups: 1,
        ...(c.zero_expert_num > 0 ? { zeroExperts: zero } : {}),
      },
    };
  };
  return { c: deepseekShaped, finish };
}
