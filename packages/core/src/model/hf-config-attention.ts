/**
 * How a Hugging Face config lays attention out over layers and positions (hf-config.ts reads the
 * rest): windowed layers (`layer_types` + `sliding_window`) and YaRN rope scaling (`rope_scaling`);
 * and where a field of the config (or of its `text_config`: nestedDocument) sits, for errors
 * about its value.
 */
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { GqaConfig } from "./hf-config-schemas.ts";
import type { ModelFamily, RopeYarnSpec, SlidingWindowSpec } from "./types.ts";

/**
 * A config nested in its file (a checkpoint's `text_config`): `locate` and error paths are
 * relative to it, `prefix` is its own path in the file.
 */
export interface NestedDocument extends SourceDocument {
  readonly prefix: readonly string[];
}

/**
 * The document seen from one of its keys (`text_config`): fields located and named under it.
 * @example fieldLocation(nestedDocument(doc, "text_config"), "layer_types").fieldPath // ["text_config", "layer_types"]
 */
export function nestedDocument(doc: SourceDocument, key: string): NestedDocument {
  const data = doc.data as Record<string, unknown> | null;
  return {
    fileName: doc.fileName,
    data: data?.[key],
    locate: (path) => doc.locate([key, ...path]),
    prefix: [key],
  };
}

/** File, line, column and path of a field of the (possibly nested) config, for errors about its value. */
export function fieldLocation(doc: SourceDocument, field: string) {
  const pos = doc.locate([field]);
  const prefix = "prefix" in doc ? (doc as NestedDocument).prefix : [];
  return { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: [...prefix, field] };
}

/**
 * Windowed layers from `layer_types` + `sliding_window`; gpt-oss without `layer_types` uses its
 * published pattern (even layers windowed, as transformers' GptOssConfig defaults).
 */
export function slidingWindowOf(
  doc: SourceDocument,
  family: ModelFamily,
  c: GqaConfig,
): { slidingWindow?: SlidingWindowSpec } {
  const types =
    c.layer_types ??
    (family === "gpt_oss"
      ? Array.from({ length: c.num_hidden_layers }, (_, i) =>
          i % 2 === 0 ? "sliding_attention" : "full_attention",
        )
      : undefined);
  if (types === undefined) return {};
  if (types.length !== c.num_hidden_layers)
    throw new SupernodeError(
      "invalid-value",
      `layer_types has ${types.length} entries but num_hidden_layers is ${c.num_hidden_layers}; expected one per layer`,
      fieldLocation(doc, "layer_types"),
    );
  const layers = types.flatMap((t, i) => (t === "sliding_attention" ? [i] : []));
  if (layers.length === 0) return {};
  const size = c.sliding_window;
  if (size === undefined || size === null)
    throw new SupernodeError(
      "schema",
      "layer_types lists sliding_attention layers but sliding_window is missing: expected the window in tokens",
      fieldLocation(doc, "sliding_window"),
    );
  return { slidingWindow: { size, layers } };
}

/** YaRN scaling from `rope_scaling` (`rope_type` or the older `type` equal to "yarn", with a factor). */
export function ropeYarnOf(c: GqaConfig): { ropeYarn?: RopeYarnSpec } {
  const r = c.rope_scaling;
  if (r === null || r === undefined || (r.rope_type ?? r.type) !== "yarn" || r.factor == null) return {};
  return {
    ropeYarn: {
      factor: r.factor,
      ...(r.mscale != null ? { mscale: r.mscale } : {}),
      ...(r.mscale_all_dim != null ? { mscaleAllDim: r.mscale_all_dim } : {}),
    },
  };
}
