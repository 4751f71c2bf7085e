/**
 * How a Hugging Face config lays attention out over layers and positions (hf-config.ts reads the
 * rest): windowed layers (`layer_types` + `sliding_window`) and YaRN rope scaling (`rope_scaling`);
 * and where a top-level field sits, for errors about its value.
 */
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { GqaConfig } from "./hf-config-schemas.ts";
import type { ModelFamily, RopeYarnSpec, SlidingWindowSpec } from "./types.ts";

/** File, line, column and path of a top-level field, for errors about its value. */
export function fieldLocation(doc: SourceDocument, field: string) {
  const pos = doc.locate([field]);
  return { file: doc.fileName, line: pos?.line, column: pos?.column, fieldPath: [field] };
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
