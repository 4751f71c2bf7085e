/**
 * DeepSeek-V4's `config.json` (`model_type: deepseek_v4`; V4-Pro and V4-Flash) read into the MLA
 * architecture the DeepSeek-V3 family shares, with what V4 adds (compressed-attention.ts,
 * hyper-connections.ts): the shared key = value head is `head_dim` wide (its last
 * `qk_rope_head_dim` values rotated), read as an MLA latent of head_dim − rope plus the rope key,
 * queried directly (no up-projection, so nope = head_dim − rope and the value is the whole head);
 * the DSA indexer (`index_*`) serves the ratio-4 layers; the experts are FP4 when `expert_dtype`
 * says so (E2M1 with one E8M0 scale per 32 values, DeepGEMM's FP8 × FP4 MoE format).
 * Source: deepseek-ai/DeepSeek-V4-Pro and -Flash config.json (copies in ai-dynamo/aiconfigurator
 * `model_configs/`), transformers `models/deepseek_v4/modular_deepseek_v4.py`.
 */
import { z } from "zod";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import { deepseekMoe } from "./gqa-moe-families.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import {
  common,
  count,
  deepseekMoeKeys,
  type GqaConfig,
  MAX_LAYERS,
  MAX_MTP_MODULES,
} from "./hf-config-schemas.ts";
import type { AttentionSpec, CheckpointComponent, CheckpointFormat, ModelArchitecture } from "./types.ts";

/**
 * DeepSeek-V4 (`deepseek_v4`, V4-Pro and V4-Flash): one shared key = value head `head_dim` wide,
 * compressed per layer (`compress_ratios`: 0, 4 or 128, one entry per layer and then the MTP
 * layer's), a `sliding_window` every layer keeps, the DSA indexer on the ratio-4 layers, a grouped
 * low-rank output projection, hyper-connections, hash-routed first MoE layers; no dense layers.
 */
export const deepseekV4Schema = z.looseObject({
  ...common,
  ...deepseekMoeKeys,
  intermediate_size: count("intermediate_size: dense FFN width").optional(),
  head_dim: count("head_dim: width of the shared key = value head"),
  q_lora_rank: count("q_lora_rank"),
  qk_rope_head_dim: count("qk_rope_head_dim"),
  o_groups: count("o_groups: head groups of the output projection"),
  o_lora_rank: count("o_lora_rank: rank of each output group"),
  sliding_window: count("sliding_window: uncompressed tokens every layer attends"),
  compress_ratios: z.array(z.union([z.literal(0), z.literal(4), z.literal(128)]), {
    error: "expected an array of compression ratios, each 0, 4 or 128 (one per layer, then the MTP layer's)",
  }),
  index_n_heads: count("index_n_heads: lightning-indexer heads"),
  index_head_dim: count("index_head_dim: lightning-indexer head dim"),
  index_topk: count("index_topk: compressed entries each query of a ratio-4 layer attends"),
  hc_mult: count("hc_mult: hyper-connection streams", 1, 64).default(1),
  hc_sinkhorn_iters: count("hc_sinkhorn_iters", 0, 1_000).default(20),
  num_hash_layers: count("num_hash_layers: hash-routed leading layers", 0, MAX_LAYERS).default(0),
  expert_dtype: z.string().nullish(),
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).default(0),
});

type V4Config = z.output<typeof deepseekV4Schema>;

/** The parts of a V4 architecture its config adds to the common base (hf-config.ts `base`). */
export type DeepseekV4Parts = Pick<
  ModelArchitecture,
  "attention" | "moe" | "mtpModules" | "hyperConnections" | "denseIntermediateSize"
> & { readonly checkpointComponents?: Partial<Record<CheckpointComponent, CheckpointFormat>> };

function invalid(doc: SourceDocument, field: string, message: string): SupernodeError {
  return new SupernodeError("invalid-value", message, fieldLocation(doc, field));
}

/** The config as the common base reads it: no dense layers, so the dense width is the expert's. */
export function deepseekV4BaseConfig(c: V4Config): GqaConfig {
  return { ...c, intermediate_size: c.intermediate_size ?? c.moe_intermediate_size };
}

/**
 * Attention, MoE, hyper-connections and checkpoint formats of a V4 config.
 * @example deepseekV4Parts(doc, c).attention.compressed?.ratios.filter((r) => r === 4).length // 30 (V4-Pro)
 */
export function deepseekV4Parts(doc: SourceDocument, c: V4Config): DeepseekV4Parts {
  const layers = c.num_hidden_layers;
  if (c.compress_ratios.length < layers)
    throw invalid(
      doc,
      "compress_ratios",
      `compress_ratios has ${c.compress_ratios.length} entries but num_hidden_layers is ${layers}; expected one per layer (then the MTP layer's)`,
    );
  if (c.head_dim <= c.qk_rope_head_dim)
    throw invalid(
      doc,
      "head_dim",
      `head_dim ${c.head_dim} must exceed qk_rope_head_dim ${c.qk_rope_head_dim}`,
    );
  if (c.num_attention_heads % c.o_groups !== 0)
    throw invalid(
      doc,
      "o_groups",
      `num_attention_heads ${c.num_attention_heads} must be a multiple of o_groups ${c.o_groups}`,
    );
  if (c.num_hash_layers > layers)
    throw invalid(
      doc,
      "num_hash_layers",
      `num_hash_layers ${c.num_hash_layers} exceeds num_hidden_layers ${layers}`,
    );
  const nope = c.head_dim - c.qk_rope_head_dim;
  const attention: AttentionSpec = {
    kind: "mla",
    numHeads: c.num_attention_heads,
    qLoraRank: c.q_lora_rank,
    kvLoraRank: nope,
    qkNopeHeadDim: nope,
    qkRopeHeadDim: c.qk_rope_head_dim,
    vHeadDim: c.head_dim,
    sparse: { indexHeads: c.index_n_heads, indexHeadDim: c.index_head_dim, topK: c.index_topk },
    compressed: {
      window: c.sliding_window,
      ratios: c.compress_ratios.slice(0, layers),
      mtpRatio: c.compress_ratios[layers] ?? 0,
      outputGroups: c.o_groups,
      outputRank: c.o_lora_rank,
    },
  };
  const moe = { ...deepseekMoe({ ...c, first_k_dense_replace: 0 }, 1), hashLayers: c.num_hash_layers };
  const fp4Experts = c.expert_dtype === "fp4" && c._supernode?.checkpoint === undefined;
  return {
    attention,
    moe,
    mtpModules: c.num_nextn_predict_layers,
    denseIntermediateSize: c.moe_intermediate_size,
    ...(c.hc_mult > 1
      ? { hyperConnections: { streams: c.hc_mult, sinkhornIters: c.hc_sinkhorn_iters } }
      : {}),
    ...(fp4Experts
      ? { checkpointComponents: { "routed-experts": { dtype: "fp4", scheme: "mxfp4-g32" } } }
      : {}),
  };
}
