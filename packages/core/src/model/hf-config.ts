/**
 * Hugging Face `config.json` → `ModelArchitecture`. The same parser reads user files and the
 * built-in zoo (whose files may add a `_supernode` block: id, name, source, published totals).
 * Unknown keys are ignored; missing required keys and unknown `model_type`s are `SupernodeError`s
 * naming the file, line and field.
 */
import { z } from "zod";
import { readSourceDocument, type SourceDocument, SupernodeError, validateDocument } from "../spec/index.ts";
import { deepseekV4BaseConfig, deepseekV4Parts, deepseekV4Schema } from "./deepseek-v4-config.ts";
import { gemma4Config } from "./gemma4-config.ts";
import {
  deepseekMoe,
  type GqaMoeFamily,
  glm4MoeFamily,
  localExpertMoe,
  minimaxM2Family,
  qwen3Moe,
  withFamilyAttention,
} from "./gqa-moe-families.ts";
import { fieldLocation, ropeYarnOf, slidingWindowOf } from "./hf-config-attention.ts";
import { deepseekSparse } from "./hf-config-dsa.ts";
import {
  deepseekSchema,
  type GqaConfig,
  glm4MoeSchema,
  gptOssSchema,
  gqaSchema,
  minimaxM2Schema,
  mixtralSchema,
  qwen3MoeSchema,
  qwen3NextSchema,
  type SupernodeModelMeta,
  supernodeMeta,
} from "./hf-config-schemas.ts";
import { checkpointOf, nativeDtype } from "./hf-config-storage.ts";
import { modelTypeOf, textConfigOf } from "./hf-config-wrapper.ts";
import {
  llama4ChunkedAttention,
  llama4LayerListProblem,
  llama4Moe,
  llama4TextConfig,
} from "./llama4-layers.ts";
import { longcatFlashConfig } from "./longcat-flash-config.ts";
import { mimoV2FlashConfig } from "./mimo-v2-flash-config.ts";
import { readNemotronH } from "./nemotron-h-config.ts";
import { QWEN35_MODEL_TYPES, qwen35TextConfig } from "./qwen3-5-config.ts";
import { qwen3NextMoe, withQwen3Next } from "./qwen3-next-layers.ts";
import type { AttentionSpec, ModelArchitecture, ModelFamily, MoeSpec } from "./types.ts";

export type { SupernodeModelMeta };

/** `model_type` values we read, and the family each maps to (Kimi K2 is DeepSeek-V3 shaped). */
export const SUPPORTED_MODEL_TYPES: Readonly<Record<string, ModelFamily>> = {
  llama: "llama",
  qwen2: "qwen2",
  qwen3: "qwen3",
  qwen3_moe: "qwen3_moe",
  // Qwen3-VL: the language model under text_config (`qwen3_vl*`), or bare (`qwen3_vl*_text`).
  qwen3_vl: "qwen3",
  qwen3_vl_text: "qwen3",
  qwen3_vl_moe: "qwen3_moe",
  qwen3_vl_moe_text: "qwen3_moe",
  mixtral: "mixtral",
  deepseek_v3: "deepseek_v3",
  deepseek_v32: "deepseek_v3",
  kimi_k2: "deepseek_v3",
  kimi_k25: "deepseek_v3",
  glm_moe_dsa: "deepseek_v3",
  gpt_oss: "gpt_oss",
  llama4_text: "llama4",
  llama4: "llama4",
  glm4_moe: "glm4_moe",
  minimax_m2: "minimax_m2",
  qwen3_next: "qwen3_next",
  deepseek_v4: "deepseek_v4",
  ...Object.fromEntries(Object.keys(QWEN35_MODEL_TYPES).map((t) => [t, "qwen3_5" as const])),
  nemotron_h: "nemotron_h",
  mimo_v2_flash: "mimo_v2_flash",
  gemma4: "gemma4",
  gemma4_text: "gemma4",
  longcat_flash: "longcat_flash",
};

const supportedList = Object.keys(SUPPORTED_MODEL_TYPES).join(", ");

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
    case "qwen3": {
      // Qwen3-VL (`qwen3_vl`) wraps its Qwen3 language model in `text_config`.
      const { at, c } = textConfigOf(doc, gqaSchema);
      return gqaModel(at, family, c);
    }
    case "mixtral": {
      const c = validateDocument(doc, mixtralSchema);
      return gqaModel(doc, family, c, localExpertMoe(c));
    }
    case "qwen3_moe": {
      const { at, c } = textConfigOf(doc, qwen3MoeSchema);
      return gqaModel(at, family, c, qwen3Moe(c));
    }
    case "deepseek_v3": {
      // Kimi K2.5 / K2.6 (`kimi_k25`) wrap Kimi K2's language model in `text_config`.
      const { at, c } = textConfigOf(doc, deepseekSchema);
      return deepseekModel(at, c);
    }
    case "gpt_oss": {
      const c = validateDocument(doc, gptOssSchema);
      const clamp = c.swiglu_limit ?? undefined;
      return gqaModel(doc, family, c, {
        ...localExpertMoe(c),
        routerBias: true,
        expertBias: true,
        ...(clamp !== undefined && { expertActivationClamp: clamp }),
      });
    }
    case "llama4": {
      const c = llama4TextConfig(doc);
      const problem = llama4LayerListProblem(c);
      if (problem !== undefined)
        throw new SupernodeError("invalid-value", problem.message, fieldLocation(doc, problem.field));
      const arch = gqaModel(doc, family, c, llama4Moe(c));
      return { ...arch, denseIntermediateSize: c.intermediate_size_mlp, ...llama4ChunkedAttention(c) };
    }
    case "glm4_moe":
      return gqaMoeModel(doc, family, validateDocument(doc, glm4MoeSchema), glm4MoeFamily);
    case "minimax_m2":
      return gqaMoeModel(doc, family, validateDocument(doc, minimaxM2Schema), minimaxM2Family);
    case "qwen3_next": {
      const c = validateDocument(doc, qwen3NextSchema);
      return withQwen3Next(
        doc,
        gqaModel(doc, family, { ...c, layer_types: undefined }, qwen3NextMoe(c)),
        c,
        c.num_nextn_predict_layers,
      );
    }
    case "qwen3_5": {
      const r = qwen35TextConfig(doc);
      const c = { ...r.c, layer_types: undefined };
      const arch = gqaModel(r.at, family, c, r.moe ? qwen3NextMoe(r.c) : undefined);
      return withQwen3Next(r.at, arch, r.c, r.c.mtp_num_hidden_layers, r.c.attn_output_gate);
    }
    case "deepseek_v4": {
      const c = validateDocument(doc, deepseekV4Schema);
      const parts = deepseekV4Parts(doc, c);
      return { ...base(doc, family, deepseekV4BaseConfig(c)), ...parts };
    }
    case "nemotron_h": {
      const r = readNemotronH(doc);
      const arch = gqaModel(doc, family, { ...r.c, layer_types: undefined }, r.moe);
      return {
        ...arch,
        hybridBlocks: r.blocks,
        linearAttention: r.linear,
        ffnActivation: "relu2",
        mtpModules: r.mtpModules,
      };
    }
    // Per-layer attention shapes: the windowed layers carry their own (layer-attention.ts).
    case "mimo_v2_flash": {
      const r = mimoV2FlashConfig(doc);
      return r.finish(gqaModel(doc, family, r.c, r.moe));
    }
    case "gemma4": {
      const r = gemma4Config(doc);
      return r.finish(gqaModel(r.at, family, r.c, r.moe));
    }
    case "longcat_flash": {
      const r = longcatFlashConfig(doc);
      return r.finish(deepseekModel(doc, r.c));
    }
    default: {
      const unreachable: never = family;
      return unreachable;
    }
  }
}

function familyOf(doc: SourceDocument): ModelFamily {
  const modelType = modelTypeOf(doc);
  if (typeof modelType !== "string")
    throw new SupernodeError(
      "schema",
      `required field is missing: expected a string model_type, one of: ${supportedList}`,
      fieldLocation(doc, "model_type"),
    );
  // Own keys only: "constructor" or "toString" are not model types.
  const family = Object.hasOwn(SUPPORTED_MODEL_TYPES, modelType)
    ? SUPPORTED_MODEL_TYPES[modelType]
    : undefined;
  if (family === undefined)
    throw new SupernodeError(
      "unsupported",
      `unknown model_type "${modelType}": supported model types are ${supportedList}`,
      fieldLocation(doc, "model_type"),
    );
  return family;
}

function base(doc: SourceDocument, family: ModelFamily, c: GqaConfig) {
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
    ...checkpointOf(c),
    ...slidingWindowOf(doc, family, c),
    ...(meta === undefined ? {} : { published: meta.published, notes: meta.notes }),
  };
}

function gqaModel(doc: SourceDocument, family: ModelFamily, c: GqaConfig, moe?: MoeSpec): ModelArchitecture {
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
    ...(family !== "qwen2" && c.attention_bias ? { outputBias: true } : {}),
    ...(family === "gpt_oss" ? { sinks: true } : {}),
    ...ropeYarnOf(c),
  };
  return { ...base(doc, family, c), attention, mtpModules: 0, ...(moe === undefined ? {} : { moe }) };
}

/** A GQA + MoE family whose MoE, attention extras and MTP come from its own keys (gqa-moe-families.ts). */
function gqaMoeModel<C extends GqaConfig>(
  doc: SourceDocument,
  family: ModelFamily,
  c: C,
  read: (c: C) => GqaMoeFamily,
): ModelArchitecture {
  const f = read(c);
  return withFamilyAttention(gqaModel(doc, family, c, f.moe), f);
}

function deepseekModel(doc: SourceDocument, c: z.output<typeof deepseekSchema>): ModelArchitecture {
  const sparse = deepseekSparse(doc, c);
  const attention: AttentionSpec = {
    kind: "mla",
    numHeads: c.num_attention_heads,
    qLoraRank: c.q_lora_rank,
    kvLoraRank: c.kv_lora_rank,
    qkNopeHeadDim: c.qk_nope_head_dim,
    qkRopeHeadDim: c.qk_rope_head_dim,
    vHeadDim: c.v_head_dim,
    ...(sparse === undefined ? {} : { sparse }),
  };
  const moe = deepseekMoe(c, c.moe_layer_freq);
  return { ...base(doc, "deepseek_v3", c), attention, moe, mtpModules: c.num_nextn_predict_layers };
}

/** The `_supernode` block of a zoo file, if any (aliases are not part of `ModelArchitecture`). */
export function readSupernodeMeta(text: string, fileName: string): SupernodeModelMeta | undefined {
  const doc = readSourceDocument(text, fileName);
  return validateDocument(doc, z.looseObject({ _supernode: supernodeMeta.optional() }))._supernode;
}
