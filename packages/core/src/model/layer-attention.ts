/**
 * Per-layer attention shapes. A model's full-attention layers run `arch.attention`; its windowed
 * layers run `arch.slidingWindow.attention` where the config gives them a shape of their own
 * (Gemma 4: 256-wide heads on the sliding layers, 512-wide with fewer KV heads on the global ones;
 * MiMo-V2-Flash: 8 KV heads on the sliding layers against 4; Step-3.7-Flash: 96 query heads
 * against 64). Everything that reads one layer's attention — its operators, weights, KV bytes,
 * training FLOPs — reads it through `layerAttention`, and the layer groups the step model times
 * already separate windowed from full layers, so a windowed group is timed with its own shape.
 * GLM-5.2's shared-indexer layers are read the same way: their view of the MLA attention carries
 * `sparse.sharedTopK` (no indexer of their own; the sparse core still attends the top-k keys).
 */
import type { AttentionSpec, ModelArchitecture } from "./types.ts";

/**
 * The attention decoder layer `layerIndex` runs (the MTP modules' layers, `index >= numLayers`,
 * run the full-attention one).
 * @example layerAttention(builtinModel("mimo-v2-flash"), 1).kind === "gqa" && layerAttention(builtinModel("mimo-v2-flash"), 1).numKvHeads // 8
 */
export function layerAttention(arch: ModelArchitecture, layerIndex: number): AttentionSpec {
  if (sharesTopK(arch, layerIndex)) return sharedTopKArch(arch).attention;
  const sw = arch.slidingWindow;
  if (sw?.attention === undefined) return arch.attention;
  return sw.layers.includes(layerIndex) ? sw.attention : arch.attention;
}

/**
 * Whether decoder layer `layerIndex` reuses an earlier layer's DSA top-k instead of running an
 * indexer (GLM-5.2's `shared` layers; the MTP modules' layers run their own).
 * @example sharesTopK(builtinModel("glm-5.2"), 3) // true
 */
export function sharesTopK(arch: ModelArchitecture, layerIndex: number): boolean {
  const a = arch.attention;
  const owners = a.kind === "mla" ? a.sparse?.indexerLayers : undefined;
  return owners !== undefined && layerIndex < arch.numLayers && !owners.includes(layerIndex);
}

const sharedTopKView = new WeakMap<ModelArchitecture, ModelArchitecture>();

/** The architecture as a shared-indexer layer sees it (memoised per architecture). */
function sharedTopKArch(arch: ModelArchitecture): ModelArchitecture {
  let view = sharedTopKView.get(arch);
  if (view === undefined) {
    const a = arch.attention;
    if (a.kind !== "mla" || a.sparse === undefined) return arch;
    const { indexerLayers: _, ...sparse } = a.sparse;
    view = { ...arch, attention: { ...a, sparse: { ...sparse, sharedTopK: true } } };
    sharedTopKView.set(arch, view);
  }
  return view;
}

/** Whether the windowed layers carry an attention shape other than the full-attention layers'. */
export function hasPerLayerAttention(arch: ModelArchitecture): boolean {
  return arch.slidingWindow?.attention !== undefined && arch.slidingWindow.layers.length > 0;
}

const windowedArch = new WeakMap<ModelArchitecture, ModelArchitecture>();

/**
 * The architecture as decoder layer `layerIndex` sees it: `attention` is that layer's. The same
 * object for every layer that shares the full-attention shape (and one memoised object for the
 * windowed layers), so code memoised per architecture keeps working.
 * @example layerArchitecture(arch, 0) === arch // true when layer 0 is a full-attention layer
 */
export function layerArchitecture(arch: ModelArchitecture, layerIndex: number): ModelArchitecture {
  if (sharesTopK(arch, layerIndex)) return sharedTopKArch(arch);
  const own = arch.slidingWindow?.attention;
  if (own === undefined || layerAttention(arch, layerIndex) !== own) return arch;
  let windowed = windowedArch.get(arch);
  if (windowed === undefined) {
    windowed = { ...arch, attention: own };
    windowedArch.set(arch, windowed);
  }
  return windowed;
}

/**
 * The distinct attention shapes of a model's layers (full first), for checks that must hold for
 * every layer (heads divisible by attention TP).
 */
export function attentionSpecs(arch: ModelArchitecture): readonly AttentionSpec[] {
  return hasPerLayerAttention(arch) && arch.slidingWindow?.attention !== undefined
    ? [arch.attention, arch.slidingWindow.attention]
    : [arch.attention];
}

/**
 * Ranks one layer's KV heads are split over under attention TP: GQA heads split where they
 * divide (replicated beyond their count); MLA's latent is replicated (1).
 * @example kvHeadSplit({ kind: "gqa", numHeads: 64, numKvHeads: 4, headDim: 128 }, 8) // 4
 */
export function kvHeadSplit(a: AttentionSpec, attentionTp: number): number {
  return a.kind === "gqa" ? Math.min(attentionTp, a.numKvHeads) : 1;
}
