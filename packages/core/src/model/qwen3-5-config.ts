/**
 * Qwen3.5's `config.json` (transformers `Qwen3_5Config` / `Qwen3_5MoeConfig`; vLLM
 * `qwen3_5.py`, `qwen3_5_moe.py`): Qwen3-Next's hybrid layer plan — every
 * `full_attention_interval`-th layer gated GQA, the others Gated DeltaNet — over a dense SwiGLU
 * FFN (`qwen3_5`, Qwen3.5-27B) or Qwen3-Next's MoE with one shared expert (`qwen3_5_moe`,
 * Qwen3.5-397B-A17B, 122B-A10B, 35B-A3B; Qwen3.6 reuses the type). The checkpoints are
 * vision-language models: the language model sits under `text_config`, read as
 * hf-config-wrapper.ts reads it. A bare text config (`qwen3_5_text`, `qwen3_5_moe_text`) is read directly.
 *
 * Differences from Qwen3-Next that change counts: none in the layer shapes (Qwen3.5's linear layer
 * splits `in_proj_qkvz` into `in_proj_qkv` + `in_proj_z` and `in_proj_ba` into `in_proj_b` +
 * `in_proj_a`: the same parameters); the MTP depth is `mtp_num_hidden_layers`; the MoE configs
 * carry no `intermediate_size` (no dense layer).
 */
import type { z } from "zod";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import { qwen35DenseTextSchema, qwen35MoeTextSchema } from "./hf-config-schemas.ts";
import { modelTypeOf, textConfigOf } from "./hf-config-wrapper.ts";

export type Qwen35DenseConfig = z.output<typeof qwen35DenseTextSchema>;
export type Qwen35MoeConfig = z.output<typeof qwen35MoeTextSchema> & { intermediate_size: number };

/** The `model_type`s of Qwen3.5 and whether each is the MoE variant (which wrap: hf-config-wrapper.ts). */
export const QWEN35_MODEL_TYPES: Readonly<Record<string, { readonly moe: boolean }>> = {
  qwen3_5: { moe: false },
  qwen3_5_text: { moe: false },
  qwen3_5_moe: { moe: true },
  qwen3_5_moe_text: { moe: true },
};

export type Qwen35Read =
  | { readonly moe: false; readonly at: SourceDocument; readonly c: Qwen35DenseConfig }
  | { readonly moe: true; readonly at: SourceDocument; readonly c: Qwen35MoeConfig };

/**
 * The language model of a Qwen3.5 config, and the document its fields are located in (the
 * `text_config` of a full checkpoint config).
 * @example qwen35TextConfig(readSourceDocument(text, "config.json")).c.num_experts // 512 (397B-A17B)
 */
export function qwen35TextConfig(doc: SourceDocument): Qwen35Read {
  const moe = QWEN35_MODEL_TYPES[modelTypeOf(doc) as string]?.moe === true;
  const { at, c: text } = textConfigOf(doc, moe ? qwen35MoeTextSchema : qwen35DenseTextSchema);
  if (!moe) return { moe: false, at, c: text as Qwen35DenseConfig };
  const c = text as z.output<typeof qwen35MoeTextSchema>;
  const dense = c.mlp_only_layers;
  if (c.intermediate_size == null && dense.length > 0)
    throw new SupernodeError(
      "schema",
      `mlp_only_layers lists dense layer(s) ${dense.join(", ")} but intermediate_size is missing: expected the dense FFN width`,
      fieldLocation(at, "intermediate_size"),
    );
  // Without dense layers the width is never used; the routed width stands in for it.
  return { moe: true, at, c: { ...c, intermediate_size: c.intermediate_size ?? c.moe_intermediate_size } };
}
