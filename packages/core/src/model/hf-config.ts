/**
 * Hugging Face `config.json` → `ModelArchitecture`. The same parser reads user files and the
 * built-in zoo (whose files may add a `_supernode` block: id, name, source, published totals).
 * Unknown keys are ignored; missing required keys and unknown `model_type`s are `SupernodeError`s
 * naming the file, line and field.
 */
import { z } from "zod";
import type { Dtype } from "../hardware/types.ts";
import { SupernodeError } from "../spec/errors.ts";
import { readSourceDocument, type SourceDocument, validateDocument } from "../spec/parse-document.ts";
import type { AttentionSpec, ModelArchitecture, ModelFamily, MoeSpec } from "./types.ts";

/** `model_type` values we read, and the family each maps to (Kimi K2 is DeepSeek-V3 shaped). */
export const SUPPORTED_MODEL_TYPES: Readonly<Record<string, ModelFamily>> = {
  llama: "llama",
  qwen2: "qwen2",
  qwen3: "qwen3",
  qwen3_moe: "qwen3_moe",
  mixtral: "mixtral",
  deepseek_v3: "deepseek_v3",
  kimi_k2: "deepseek_v3",
};

const supportedList = Object.keys(SUPPORTED_MODEL_TYPES).join(", ");

/**
 * Upper bounds that refuse absurd sizes up front (per-layer and per-expert state is allocated from
 * these). The largest published models are far inside them: 126 layers (Llama 3.1 405B), 384 routed
 * experts (Kimi K2), 16,384 hidden (Llama 3.1 405B), 256K vocabulary (Gemma).
 */
const MAX_SIZE = 2 ** 24;
const MAX_LAYERS = 10_000;
const MAX_EXPERTS = 65_536;
const MAX_TOP_K = 1_024;
const MAX_MTP_MODULES = 16;

function count(what: string, min = 1, max = MAX_SIZE) {
  const expected = `an integer from ${min} to ${max.toLocaleString("en-US")} (${what})`;
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
});

const supernodeMeta = z.object({
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
});

/** Zoo metadata carried beside the HF fields. */
export type SupernodeModelMeta = z.output<typeof supernodeMeta>;

const common = {
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
  _supernode: supernodeMeta.optional(),
};

const gqaSchema = z.looseObject(common);

const mixtralSchema = z.looseObject({
  ...common,
  num_local_experts: count("num_local_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
});

const qwen3MoeSchema = z.looseObject({
  ...common,
  num_experts: count("num_experts: routed experts", 1, MAX_EXPERTS),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  decoder_sparse_step: count("decoder_sparse_step").default(1),
  mlp_only_layers: z.array(z.number().int().min(0)).default([]),
});

const deepseekSchema = z.looseObject({
  ...common,
  n_routed_experts: count("n_routed_experts: routed experts", 1, MAX_EXPERTS),
  n_shared_experts: count("n_shared_experts", 0, MAX_EXPERTS).default(0),
  num_experts_per_tok: count("num_experts_per_tok: top-k", 1, MAX_TOP_K),
  moe_intermediate_size: count("moe_intermediate_size: routed expert width"),
  first_k_dense_replace: count("first_k_dense_replace: leading dense layers", 0, MAX_LAYERS).default(0),
  moe_layer_freq: count("moe_layer_freq").default(1),
  n_group: count("n_group").nullish(),
  topk_group: count("topk_group").nullish(),
  kv_lora_rank: count("kv_lora_rank: MLA latent width"),
  q_lora_rank: count("q_lora_rank").nullable(),
  qk_nope_head_dim: count("qk_nope_head_dim"),
  qk_rope_head_dim: count("qk_rope_head_dim"),
  v_head_dim: count("v_head_dim"),
  num_nextn_predict_layers: count("num_nextn_predict_layers: MTP modules", 0, MAX_MTP_MODULES).default(0),
});

type Common = z.output<typeof gqaSchema>;

/**
 * Parses a Hugging Face `config.json` (JSON or YAML text) into a fully defaulted architecture.
 * @example const arch = parseHfConfig(await readFile("config.json", "utf8"), "config.json");
 */
export function parseHfConfig(text: string, fileName: string): ModelArchitecture {
  const doc = readSourceDocument(text, fileName);
  const family = familyOf(doc);
  switch (family) {
    case "llama":
    case "qwen2":
    case "qwen3":
      return gqaModel(doc, family, validateDocument(doc, gqaSchema));
    case "mixtral": {
      const c = validateDocument(doc, mixtralSchema);
      return gqaModel(doc, family, c, {
        ...moeDefaults,
        numRoutedExperts: c.num_local_experts,
        topK: c.num_experts_per_tok,
        expertIntermediateSize: c.intermediate_size,
        sharedExpertIntermediateSize: c.intermediate_size,
      });
    }
    case "qwen3_moe": {
      const c = validateDocument(doc, qwen3MoeSchema);
      return gqaModel(doc, family, c, {
        ...moeDefaults,
        numRoutedExperts: c.num_experts,
        topK: c.num_experts_per_tok,
        expertIntermediateSize: c.moe_intermediate_size,
        sharedExpertIntermediateSize: c.moe_intermediate_size,
        layerFrequency: c.decoder_sparse_step,
        frequencyBase: "index+1",
        denseLayerIndices: c.mlp_only_layers,
      });
    }
    case "deepseek_v3":
      return deepseekModel(doc, validateDocument(doc, deepseekSchema));
    default: {
      const unreachable: never = family;
      return unreachable;
    }
  }
}

const moeDefaults = {
  numSharedExperts: 0,
  firstKDenseLayers: 0,
  layerFrequency: 1,
  numExpertGroups: 1,
  topKGroups: 1,
} as const;

function familyOf(doc: SourceDocument): ModelFamily {
  const data = doc.data;
  const modelType =
    data !== null && typeof data === "object" ? (data as Record<string, unknown>).model_type : undefined;
  const pos = doc.locate(["model_type"]);
  const where = { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: ["model_type"] };
  if (typeof modelType !== "string")
    throw new SupernodeError(
      "schema",
      `required field is missing: expected a string model_type, one of: ${supportedList}`,
      where,
    );
  // Own keys only: "constructor" or "toString" are not model types.
  const family = Object.hasOwn(SUPPORTED_MODEL_TYPES, modelType)
    ? SUPPORTED_MODEL_TYPES[modelType]
    : undefined;
  if (family === undefined)
    throw new SupernodeError(
      "unsupported",
      `unknown model_type "${modelType}": supported model types are ${supportedList}`,
      where,
    );
  return family;
}

function nativeDtype(c: Common): Dtype {
  if (c.quantization_config?.quant_method === "fp8") return "fp8";
  switch (c.torch_dtype ?? c.dtype) {
    case "float16":
      return "fp16";
    case "float32":
      return "fp32";
    default:
      return "bf16";
  }
}

function base(doc: SourceDocument, family: ModelFamily, c: Common) {
  const meta = c._supernode;
  const fileStem = doc.fileName.replace(/^.*[\\/]/, "").replace(/\.(json|ya?ml)$/i, "");
  return {
    id: meta?.id ?? fileStem,
    name: meta?.name ?? fileStem,
    family,
    source: meta?.source.config ?? doc.fileName,
    hiddenSize: c.hidden_size,
    numLayers: c.num_hidden_layers,
    vocabSize: c.vocab_size,
    tiedEmbeddings: c.tie_word_embeddings,
    denseIntermediateSize: c.intermediate_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    nativeDtype: nativeDtype(c),
    ...(meta === undefined ? {} : { published: meta.published, notes: meta.notes }),
  };
}

/** File, line, column and path of a top-level field, for errors about its value. */
function fieldLocation(doc: SourceDocument, field: string) {
  const pos = doc.locate([field]);
  return { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: [field] };
}

function gqaModel(doc: SourceDocument, family: ModelFamily, c: Common, moe?: MoeSpec): ModelArchitecture {
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim))
    throw new SupernodeError(
      "invalid-value",
      `hidden_size ${c.hidden_size} is not a multiple of num_attention_heads ${c.num_attention_heads}; set head_dim`,
      fieldLocation(doc, "hidden_size"),
    );
  const numKvHeads = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKvHeads !== 0)
    throw new SupernodeError(
      "invalid-value",
      `num_attention_heads ${c.num_attention_heads} must be a multiple of num_key_value_heads ${numKvHeads}`,
      fieldLocation(doc, "num_key_value_heads"),
    );
  const attention: AttentionSpec = {
    kind: "gqa",
    numHeads: c.num_attention_heads,
    numKvHeads,
    headDim,
    qkvBias: family === "qwen2" || c.attention_bias,
    qkNorm: family === "qwen3" || family === "qwen3_moe",
  };
  return { ...base(doc, family, c), attention, mtpModules: 0, ...(moe === undefined ? {} : { moe }) };
}

function deepseekModel(doc: SourceDocument, c: z.output<typeof deepseekSchema>): ModelArchitecture {
  const attention: AttentionSpec = {
    kind: "mla",
    numHeads: c.num_attention_heads,
    qLoraRank: c.q_lora_rank,
    kvLoraRank: c.kv_lora_rank,
    qkNopeHeadDim: c.qk_nope_head_dim,
    qkRopeHeadDim: c.qk_rope_head_dim,
    vHeadDim: c.v_head_dim,
  };
  const moe: MoeSpec = {
    numRoutedExperts: c.n_routed_experts,
    numSharedExperts: c.n_shared_experts,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.moe_intermediate_size,
    sharedExpertIntermediateSize: c.moe_intermediate_size,
    firstKDenseLayers: c.first_k_dense_replace,
    layerFrequency: c.moe_layer_freq,
    numExpertGroups: c.n_group ?? 1,
    topKGroups: c.topk_group ?? 1,
    frequencyBase: "index",
  };
  return { ...base(doc, "deepseek_v3", c), attention, moe, mtpModules: c.num_nextn_predict_layers };
}

/** The `_supernode` block of a zoo file, if any (aliases are not part of `ModelArchitecture`). */
export function readSupernodeMeta(text: string, fileName: string): SupernodeModelMeta | undefined {
  const doc = readSourceDocument(text, fileName);
  return validateDocument(doc, z.looseObject({ _supernode: supernodeMeta.optional() }))._supernode;
}
