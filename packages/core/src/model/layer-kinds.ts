/**
 * Which decoder layers are dense and which are MoE, following each family's rule:
 * DeepSeek-V3 `i >= first_k_dense_replace && i % moe_layer_freq == 0`, Qwen3-MoE
 * `i not in mlp_only_layers && (i + 1) % decoder_sparse_step == 0`, Mixtral every layer.
 */
import { memoByObject } from "../spec/index.ts";
import { sharesTopK } from "./layer-attention.ts";
import type { ModelArchitecture } from "./types.ts";

/** The FFN of a layer: dense, MoE, or none (a single-mixer block holding only attention or Mamba-2). */
export type LayerKind = "dense" | "moe" | "none";

/**
 * Kind of decoder layer `index` (0-based).
 * @example layerKind(builtinModel("deepseek-v3"), 2) // "dense"
 * @example layerKind(builtinModel("nemotron-3-nano-30b-a3b"), 0) // "none" (a Mamba-2 block)
 */
export function layerKind(arch: ModelArchitecture, index: number): LayerKind {
  const blocks = arch.hybridBlocks;
  if (blocks !== undefined) {
    const block = blocks[index];
    // An MTP module's layer (index past the last) pairs attention with the model's MoE.
    if (block === undefined) return arch.moe !== undefined ? "moe" : "dense";
    return block === "moe" ? "moe" : block === "mlp" ? "dense" : "none";
  }
  const moe = arch.moe;
  if (moe === undefined || moe.numRoutedExperts === 0) return "dense";
  if (index < moe.firstKDenseLayers) return "dense";
  if (moe.denseLayerIndices?.includes(index) === true) return "dense";
  const position = moe.frequencyBase === "index+1" ? index + 1 : index;
  return position % moe.layerFrequency === 0 ? "moe" : "dense";
}

/**
 * Kinds of all decoder layers of the main model.
 * @example layerKinds(builtinModel("deepseek-v3")).filter((k) => k === "moe").length // 58
 */
export function layerKinds(arch: ModelArchitecture): LayerKind[] {
  return Array.from({ length: arch.numLayers }, (_, i) => layerKind(arch, i));
}

/**
 * Whether decoder layer `index` routes by a fixed token-id table (DeepSeek-V4: the first
 * `num_hash_layers` MoE layers).
 * @example isHashRoutedLayer(builtinModel("deepseek-v4-pro"), 2) // true
 */
export function isHashRoutedLayer(arch: ModelArchitecture, index: number): boolean {
  return index < (arch.moe?.hashLayers ?? 0) && layerKind(arch, index) === "moe";
}

/**
 * Whether decoder layer `index` has a sequence mixer (attention or linear attention); a
 * single-mixer MoE or MLP block (Nemotron-H's `E`, `-`) has none.
 */
export function hasMixer(arch: ModelArchitecture, index: number): boolean {
  const block = arch.hybridBlocks?.[index];
  return block !== "moe" && block !== "mlp";
}

/** Kind of the decoder layer inside an MTP module (DeepSeek-V3: the layer after the last, so MoE). */
export function mtpLayerKind(arch: ModelArchitecture): LayerKind {
  return layerKind(arch, arch.numLayers);
}

/** Layers that share an FFN kind and an attention window, timed once and counted `count` times. */
export interface LayerGroup {
  readonly kind: LayerKind;
  /** Sliding window of the group's attention; absent for full attention. */
  readonly window?: number;
  /** Linear-attention layers (Qwen3-Next's Gated DeltaNet); absent for softmax attention. */
  readonly linear?: true;
  /** DeepSeek-V4's compression ratio of the group's attention (0, 4, 128); absent for other models. */
  readonly compressRatio?: number;
  /** Hash-routed MoE layers (DeepSeek-V4's first `num_hash_layers`); absent otherwise. */
  readonly hashRouted?: true;
  /** Blocks without a sequence mixer (Nemotron-H's MoE blocks); absent when the layer has one. */
  readonly noMixer?: true;
  /** Layers that reuse an earlier layer's DSA top-k (GLM-5.2's shared indexer); absent otherwise. */
  readonly sharedTopK?: true;
  /** First layer of the group (its representative). */
  readonly index: number;
  readonly count: number;
}

/** A model's layer groups and, for each main-model layer, the position of its group. */
interface LayerGrouping {
  readonly groups: readonly LayerGroup[];
  readonly groupOf: readonly number[];
}

// Memoised per architecture object (architectures are not mutated once built): a step evaluation asks every time.
const grouping: (arch: ModelArchitecture) => LayerGrouping = memoByObject(groupLayers);

/**
 * Groups of identical decoder layers: dense then MoE, full attention before windowed before linear.
 * @example layerGroups(builtinModel("gpt-oss-120b")).map((g) => [g.kind, g.window, g.count]) // [["moe", undefined, 18], ["moe", 128, 18]]
 */
export function layerGroups(arch: ModelArchitecture): readonly LayerGroup[] {
  return grouping(arch).groups;
}

/**
 * The group (position in `layerGroups`) of each decoder layer of the main model, so code that
 * times groups once finds a layer's time without comparing the group's fields.
 * @example layerGroupIndex(builtinModel("gpt-oss-120b")).slice(0, 4) // [1, 0, 1, 0]
 */
export function layerGroupIndex(arch: ModelArchitecture): readonly number[] {
  return grouping(arch).groupOf;
}

function groupLayers(arch: ModelArchitecture): LayerGrouping {
  const kinds = layerKinds(arch);
  const groupOf: number[] = new Array<number>(kinds.length);
  const windowed = new Set(arch.slidingWindow?.layers ?? []);
  const linearLayers = new Set(arch.linearAttention?.layers ?? []);
  const variant = (i: number) =>
    !hasMixer(arch, i)
      ? "none"
      : linearLayers.has(i)
        ? "linear"
        : windowed.has(i)
          ? "window"
          : sharesTopK(arch, i)
            ? "shared"
            : "full";
  const groups: LayerGroup[] = [];
  const ratios = arch.attention.kind === "mla" ? arch.attention.compressed?.ratios : undefined;
  if (ratios !== undefined) {
    // DeepSeek-V4: one group per (FFN kind, compression ratio, hash routing), in order of first appearance.
    const seen = new Map<
      string,
      { kind: LayerKind; ratio: number; hash: boolean; index: number; count: number; at: number }
    >();
    kinds.forEach((kind, i) => {
      const ratio = ratios[i] ?? 0;
      const hash = isHashRoutedLayer(arch, i);
      const key = `${kind}:${ratio}:${hash}`;
      let g = seen.get(key);
      if (g === undefined) {
        g = { kind, ratio, hash, index: i, count: 0, at: seen.size };
        seen.set(key, g);
      }
      g.count++;
      groupOf[i] = g.at;
    });
    const v4Groups = [...seen.values()].map((g) => ({
      kind: g.kind,
      compressRatio: g.ratio,
      ...(g.hash ? { hashRouted: true as const } : {}),
      index: g.index,
      count: g.count,
    }));
    return { groups: v4Groups, groupOf };
  }
  for (const kind of ["dense", "moe", "none"] as const)
    for (const attention of ["full", "shared", "window", "linear", "none"] as const) {
      const members = kinds.flatMap((k, i) => (k === kind && variant(i) === attention ? [i] : []));
      const first = members[0];
      if (first === undefined) continue;
      for (const i of members) groupOf[i] = groups.length;
      const window = attention === "window" ? arch.slidingWindow?.size : undefined;
      groups.push({
        kind,
        ...(window !== undefined ? { window } : {}),
        ...(attention === "linear" ? { linear: true as const } : {}),
        ...(attention === "none" ? { noMixer: true as const } : {}),
        ...(attention === "shared" ? { sharedTopK: true as const } : {}),
        index: first,
        count: members.length,
      });
    }
  return { groups, groupOf };
}
