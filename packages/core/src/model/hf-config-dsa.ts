/**
 * DeepSeek Sparse Attention's lightning indexer as a Hugging Face `config.json` declares it
 * (`index_n_heads`, `index_head_dim`, `index_topk`, and GLM-5.2's `indexer_types`), read for
 * hf-config.ts's DeepSeek family.
 */
import type { z } from "zod";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import { fieldLocation } from "./hf-config-attention.ts";
import type { deepseekSchema } from "./hf-config-schemas.ts";
import type { MlaSparseSpec } from "./types.ts";

/** DeepSeek Sparse Attention's indexer, when the config has one (all of its three keys, or none). */
export function deepseekSparse(
  doc: SourceDocument,
  c: z.output<typeof deepseekSchema>,
): MlaSparseSpec | undefined {
  const keys = ["index_n_heads", "index_head_dim", "index_topk"] as const;
  const present = keys.filter((k) => c[k] !== undefined);
  if (present.length === 0) return undefined;
  const missing = keys.find((k) => c[k] === undefined);
  if (missing !== undefined)
    throw new SupernodeError(
      "invalid-value",
      `${missing} is missing: DeepSeek Sparse Attention needs index_n_heads, index_head_dim and index_topk together (found ${present.join(", ")})`,
      fieldLocation(doc, present[0] ?? "index_topk"),
    );
  const spec = {
    indexHeads: c.index_n_heads ?? 0,
    indexHeadDim: c.index_head_dim ?? 0,
    topK: c.index_topk ?? 0,
  };
  const types = c.indexer_types;
  if (types === undefined || types === null || types.every((t) => t === "full")) return spec;
  if (types.length !== c.num_hidden_layers || types[0] !== "full")
    throw new SupernodeError(
      "invalid-value",
      `indexer_types lists ${types.length} layers starting with "${types[0]}": it needs one entry per decoder layer (num_hidden_layers ${c.num_hidden_layers}), the first "full" (a shared layer reuses an earlier layer's top-k)`,
      fieldLocation(doc, "indexer_types"),
    );
  return { ...spec, indexerLayers: types.flatMap((t, i) => (t === "full" ? [i] : [])) };
}
