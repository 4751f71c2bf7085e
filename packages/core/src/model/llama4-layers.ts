/**
 * Llama 4's layer plan from its text config (transformers `Llama4TextConfig`):
 *
 * - MoE layers: `moe_layers` when given, else every `interleave_moe_layer_step`-th layer counted
 *   from 1 (`range(step - 1, layers, step)`: Maverick's odd layers, Scout's every layer). Each MoE
 *   layer has `num_local_experts` routed experts and one shared expert, all `intermediate_size`
 *   wide; the other layers are dense, `intermediate_size_mlp` wide.
 * - Attention: the RoPE layers (`no_rope_layers[i] == 1`; by default all but every
 *   `no_rope_layer_interval`-th) attend within chunks of `attention_chunk_size` tokens; the NoPE
 *   layers attend to the whole context. A chunk is a window of the chunk's size marked `chunked`:
 *   a decoding query attends to the keys of its own chunk only (sliding-window.ts); prefill is
 *   charged as a sliding window (exact below one chunk, an upper bound beyond it).
 */
import type { z } from "zod";
import { type SourceDocument, validateDocument } from "../spec/index.ts";
import { llama4Schema, llama4WrapperSchema } from "./hf-config-schemas.ts";
import type { MoeSpec, SlidingWindowSpec } from "./types.ts";

type Llama4Config = z.output<typeof llama4Schema>;

/**
 * What is wrong with a Llama 4 config's per-layer lists, if anything: `no_rope_layers` needs one
 * flag per layer, `moe_layers` layer indices below `num_hidden_layers` (either would otherwise be
 * silently cut to the layers that exist).
 * @example llama4LayerListProblem({ ...config, moe_layers: [1, 99] })?.field // "moe_layers"
 */
export function llama4LayerListProblem(
  c: Llama4Config,
): { readonly field: "no_rope_layers" | "moe_layers"; readonly message: string } | undefined {
  const layers = c.num_hidden_layers;
  const rope = c.no_rope_layers;
  if (rope !== undefined && rope !== null && rope.length > 0 && rope.length !== layers)
    return {
      field: "no_rope_layers",
      message: `no_rope_layers has ${rope.length} entries but num_hidden_layers is ${layers}; expected one per layer`,
    };
  const outside = (c.moe_layers ?? []).find((i) => i >= layers);
  if (outside !== undefined)
    return {
      field: "moe_layers",
      message: `moe_layers lists layer ${outside} but num_hidden_layers is ${layers}; expected layer indices 0 to ${layers - 1}`,
    };
  return undefined;
}

/**
 * The MoE of a Llama 4 text config.
 * @example llama4Moe(maverickTextConfig).denseLayerIndices?.length // 24 (the even layers)
 */
export function llama4Moe(c: Llama4Config): MoeSpec {
  const step = c.interleave_moe_layer_step;
  const moeLayers = new Set(
    c.moe_layers ??
      Array.from({ length: c.num_hidden_layers }, (_, i) => i).filter((i) => (i + 1) % step === 0),
  );
  const dense = Array.from({ length: c.num_hidden_layers }, (_, i) => i).filter((i) => !moeLayers.has(i));
  return {
    numRoutedExperts: c.num_local_experts,
    numSharedExperts: 1,
    topK: c.num_experts_per_tok,
    expertIntermediateSize: c.intermediate_size,
    sharedExpertIntermediateSize: c.intermediate_size,
    firstKDenseLayers: 0,
    layerFrequency: 1,
    numExpertGroups: 1,
    topKGroups: 1,
    frequencyBase: "index",
    denseLayerIndices: dense,
  };
}

/**
 * The chunked-attention layers of a Llama 4 text config, as a window of the chunk size marked
 * `chunked` (absent when the config sets no chunk size).
 * @example llama4ChunkedAttention(maverickTextConfig).slidingWindow?.layers.length // 36
 */
export function llama4ChunkedAttention(c: Llama4Config): { slidingWindow?: SlidingWindowSpec } {
  const chunk = c.attention_chunk_size;
  if (chunk === undefined || chunk === null) return {};
  const ropeFlags =
    c.no_rope_layers !== undefined && c.no_rope_layers !== null && c.no_rope_layers.length > 0
      ? c.no_rope_layers
      : Array.from({ length: c.num_hidden_layers }, (_, i) =>
          (i + 1) % c.no_rope_layer_interval !== 0 ? 1 : 0,
        );
  const layers = ropeFlags.flatMap((flag, i) => (flag === 1 && i < c.num_hidden_layers ? [i] : []));
  return layers.length === 0 ? {} : { slidingWindow: { size: chunk, layers, chunked: true } };
}

/**
 * The text model of a Llama 4 config: the document itself (`llama4_text`) or its `text_config`
 * (`llama4`, the checkpoint's full config; the vision tower is not modelled).
 * @example llama4TextConfig(readSourceDocument(fullConfigText, "config.json")).num_local_experts // 128
 */
export function llama4TextConfig(doc: SourceDocument): z.output<typeof llama4Schema> {
  const data = doc.data as Record<string, unknown> | null;
  if (data?.model_type !== "llama4") return validateDocument(doc, llama4Schema);
  const wrapped = validateDocument(doc, llama4WrapperSchema);
  return {
    ...wrapped.text_config,
    ...(wrapped._supernode !== undefined ? { _supernode: wrapped._supernode } : {}),
  };
}
