/**
 * Checkpoint configs that wrap their language model in `text_config` (vision-language
 * checkpoints: Qwen3.5 `qwen3_5` / `qwen3_5_moe`, Kimi K2.5 / K2.6 `kimi_k25`, Qwen3-VL `qwen3_vl` /
 * `qwen3_vl_moe`). The language model
 * is read from `text_config` (the vision tower is not modelled); the keys a checkpoint writes once
 * at the top — `tie_word_embeddings`, `torch_dtype` / `dtype`, `quantization_config` — and the zoo's
 * `_supernode` block are carried into it. Fields are located, and named in errors, under
 * `text_config`.
 */
import { z } from "zod";
import { type SourceDocument, validateDocument } from "../spec/index.ts";
import { nestedDocument } from "./hf-config-attention.ts";
import { supernodeMeta } from "./hf-config-schemas.ts";

/** The wrapper around a text-config schema. */
function wrapperSchema<S extends z.ZodType>(text: S) {
  return z.looseObject({
    text_config: text,
    tie_word_embeddings: z.boolean().nullish(),
    torch_dtype: z.string().nullish(),
    dtype: z.string().nullish(),
    quantization_config: z.looseObject({ quant_method: z.string().optional() }).nullish(),
    _supernode: supernodeMeta.optional(),
  });
}

type TextKeys = {
  tie_word_embeddings?: boolean;
  torch_dtype?: string | null;
  dtype?: string | null;
  quantization_config?: { quant_method?: string } | null;
};

/** The `model_type`s whose checkpoint config wraps the language model (Llama 4's: llama4-layers.ts). */
const WRAPPER_MODEL_TYPES: ReadonlySet<unknown> = new Set([
  "kimi_k25",
  "qwen3_5",
  "qwen3_5_moe",
  "gemma4",
  "qwen3_vl",
  "qwen3_vl_moe",
]);

/** The config's `model_type`, whatever its type (absent: undefined). */
export function modelTypeOf(doc: SourceDocument): unknown {
  const data = doc.data;
  return data !== null && typeof data === "object" ? (data as Record<string, unknown>).model_type : undefined;
}

/**
 * The language model of a config, validated by `schema`, and the document its fields are located
 * in: the `text_config` of a wrapper `model_type`, else the whole config.
 * @example textConfigOf(doc, deepseekSchema).at // text_config's view for kimi_k25, doc for kimi_k2
 */
export function textConfigOf<S extends z.ZodType<TextKeys>>(
  doc: SourceDocument,
  schema: S,
): { readonly at: SourceDocument; readonly c: z.output<S> } {
  return WRAPPER_MODEL_TYPES.has(modelTypeOf(doc))
    ? wrappedTextConfig(doc, schema)
    : { at: doc, c: validateDocument(doc, schema) };
}

/**
 * The language model of a wrapped checkpoint config, validated by `schema`, and the document its
 * fields are located in.
 * @example wrappedTextConfig(doc, deepseekSchema).c.n_routed_experts // 384 (Kimi K2.5)
 */
function wrappedTextConfig<S extends z.ZodType<TextKeys>>(
  doc: SourceDocument,
  schema: S,
): { readonly at: SourceDocument; readonly c: z.output<S> } {
  const w = validateDocument(doc, wrapperSchema(schema));
  const text = w.text_config as z.output<S> & TextKeys;
  return {
    at: nestedDocument(doc, "text_config"),
    c: {
      ...text,
      ...(w.tie_word_embeddings != null ? { tie_word_embeddings: w.tie_word_embeddings } : {}),
      ...(text.quantization_config == null && w.quantization_config != null
        ? { quantization_config: w.quantization_config }
        : {}),
      torch_dtype: text.torch_dtype ?? w.torch_dtype,
      dtype: text.dtype ?? w.dtype,
      ...(w._supernode !== undefined ? { _supernode: w._supernode } : {}),
    },
  };
}
