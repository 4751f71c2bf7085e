/**
 * The inventory of weight tensors of a model: every matrix and vector, which part of the model it
 * belongs to, how many copies exist and how many a token uses. Parameter counts, weight bytes per
 * dtype and the operators' weight reads all derive from this one list.
 */
import { compressedAttentionTensors, compressRatio, isCompressed } from "./compressed-attention.ts";
import { hyperConnectionTensors, hyperHeadTensors } from "./hyper-connections.ts";
import { layerArchitecture, sharesTopK } from "./layer-attention.ts";
import { hasMixer, isHashRoutedLayer, type LayerKind, layerKinds, mtpLayerKind } from "./layer-kinds.ts";
import { isLinearAttentionLayer, linearAttentionTensors } from "./linear-attention.ts";
import type { ModelArchitecture } from "./types.ts";
import { highPrecisionTensor, weightMatrix } from "./weight-tensor-builders.ts";
import { routerColumns } from "./zero-experts.ts";

/** Parts of a model a deployment places separately. Layer norms go with attention. */
export type WeightComponent =
  | "attention"
  | "dense-ffn"
  | "routed-experts"
  | "shared-experts"
  | "router"
  | "embedding"
  | "lm-head"
  | "mtp";

export const WEIGHT_COMPONENTS: readonly WeightComponent[] = [
  "attention",
  "dense-ffn",
  "routed-experts",
  "shared-experts",
  "router",
  "embedding",
  "lm-head",
  "mtp",
];

export interface WeightTensor {
  /** e.g. `attn.q_b_proj`, `moe.experts.down_proj`. */
  readonly name: string;
  readonly component: WeightComponent;
  /** Output features (matrix rows); the element count of a vector. */
  readonly rows: number;
  /** Input features (reduction dim); 1 for vectors. */
  readonly cols: number;
  /** Copies in one layer (experts) or in the model (model-level tensors). */
  readonly copies: number;
  /** Copies one token multiplies with (top-k experts; 0 for the embedding table, which is gathered). */
  readonly activeCopies: number;
  /** GEMM weights, which low-precision schemes quantize; vectors, routers, embeddings stay high precision. */
  readonly quantizable: boolean;
  /** MTP module tensors: the part of a decoder layer they are (placed and formatted like it). */
  readonly placeAs?: WeightComponent;
  /** A matrix formatted by a narrower component than the one it is placed with (`o_proj`). */
  readonly formatAs?: "attention-output";
}

/** Attention tensors of one layer (with the layer's two RMSNorms); `ratio`: DeepSeek-V4's compression. */
function attentionTensors(arch: ModelArchitecture, ratio = 0): WeightTensor[] {
  const h = arch.hiddenSize;
  const a = arch.attention;
  const c: WeightComponent = "attention";
  const norms = [
    highPrecisionTensor("attn.input_norm", c, h),
    highPrecisionTensor("ffn.post_attention_norm", c, h),
  ];
  const hc = arch.hyperConnections === undefined ? [] : hyperConnectionTensors(arch.hyperConnections, h);
  if (isCompressed(a)) return [...norms, ...hc, ...compressedAttentionTensors(a, h, ratio)];
  switch (a.kind) {
    case "gqa": {
      const q = a.numHeads * a.headDim;
      const kv = a.numKvHeads * a.headDim;
      // Values may be narrower than keys (MiMo-V2-Flash) or come from the key projection (Gemma 4).
      const v = a.valueFromKey === true ? 0 : a.numKvHeads * (a.vHeadDim ?? a.headDim);
      const out = [
        // Qwen3-Next's gated attention: q_proj also emits the per-head output gate.
        weightMatrix("attn.q_proj", c, a.outputGate === true ? 2 * q : q, h),
        weightMatrix("attn.k_proj", c, kv, h),
        ...(v > 0 ? [weightMatrix("attn.v_proj", c, v, h)] : []),
      ];
      if (a.qkvBias === true) out.push(highPrecisionTensor("attn.qkv_bias", c, q + kv + v));
      if (a.qkNorm === true) {
        const whole = a.qkNormScope === "projection";
        out.push(
          highPrecisionTensor("attn.q_norm", c, whole ? q : a.headDim),
          highPrecisionTensor("attn.k_norm", c, whole ? kv : a.headDim),
        );
      }
      const attnOut = a.numHeads * (a.vHeadDim ?? a.headDim);
      out.push({ ...weightMatrix("attn.o_proj", c, h, attnOut), formatAs: "attention-output" });
      if (a.outputBias === true) out.push(highPrecisionTensor("attn.o_bias", c, h));
      // gpt-oss: one learned sink logit per head joins each softmax.
      if (a.sinks === true) out.push(highPrecisionTensor("attn.sinks", c, a.numHeads));
      return [...norms, ...out];
    }
    case "mla": {
      const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
      const q =
        a.qLoraRank === null
          ? [weightMatrix("attn.q_proj", c, a.numHeads * qHead, h)]
          : [
              weightMatrix("attn.q_a_proj", c, a.qLoraRank, h),
              highPrecisionTensor("attn.q_a_norm", c, a.qLoraRank),
              weightMatrix("attn.q_b_proj", c, a.numHeads * qHead, a.qLoraRank),
            ];
      return [
        ...norms,
        ...q,
        weightMatrix("attn.kv_a_proj", c, a.kvLoraRank + a.qkRopeHeadDim, h),
        highPrecisionTensor("attn.kv_a_norm", c, a.kvLoraRank),
        weightMatrix("attn.kv_b_proj", c, a.numHeads * (a.qkNopeHeadDim + a.vHeadDim), a.kvLoraRank),
        { ...weightMatrix("attn.o_proj", c, h, a.numHeads * a.vHeadDim), formatAs: "attention-output" },
        ...(a.sparse === undefined || a.sparse.sharedTopK === true
          ? []
          : [
              // DeepSeek Sparse Attention's lightning indexer (DeepSeek-V3.2-Exp inference/model.py).
              weightMatrix(
                "attn.indexer.wq_b",
                c,
                a.sparse.indexHeads * a.sparse.indexHeadDim,
                a.qLoraRank ?? h,
              ),
              weightMatrix("attn.indexer.wk", c, a.sparse.indexHeadDim, h),
              highPrecisionTensor("attn.indexer.k_norm", c, 2 * a.sparse.indexHeadDim),
              weightMatrix("attn.indexer.weights_proj", c, a.sparse.indexHeads, h),
            ]),
      ];
    }
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

/** An FFN's matrices: SwiGLU's gate, up and down, or squared ReLU's up and down (`relu2`). */
function ffnMatrices(
  arch: ModelArchitecture,
  prefix: string,
  component: WeightComponent,
  h: number,
  inter: number,
  copies: number,
  active: number,
) {
  const gate =
    arch.ffnActivation === "relu2"
      ? []
      : [weightMatrix(`${prefix}.gate_proj`, component, inter, h, copies, active)];
  return [
    ...gate,
    weightMatrix(`${prefix}.up_proj`, component, inter, h, copies, active),
    weightMatrix(`${prefix}.down_proj`, component, h, inter, copies, active),
  ];
}

/**
 * FFN tensors of one layer of the given kind (dense FFN, or router + experts + shared experts; a
 * latent MoE's two projections with its shared experts); none for a block without FFN.
 */
function ffnTensors(arch: ModelArchitecture, kind: LayerKind, hashRouted = false): WeightTensor[] {
  const h = arch.hiddenSize;
  const moe = arch.moe;
  if (kind === "none") return [];
  if (kind === "dense" || moe === undefined)
    return ffnMatrices(arch, "ffn", "dense-ffn", h, arch.denseIntermediateSize, 1, 1);
  const e = moe.numRoutedExperts;
  // The router scores zero-computation experts too (LongCat-Flash: 512 + 256 columns).
  const scored = routerColumns(moe);
  const out: WeightTensor[] = [{ ...weightMatrix("moe.router", "router", scored, h), quantizable: false }];
  // DeepSeek-V3's aux-loss-free balancing keeps a per-expert score bias; gpt-oss's router is a
  // linear layer with a bias.
  // A hash-routed layer (DeepSeek-V4) keeps no score bias: its token-id table (a buffer of vocab ×
  // top-k integers, not counted) picks the experts.
  if (moe.routerBias === true && !hashRouted)
    out.push(highPrecisionTensor("moe.router_bias", "router", scored));
  const x = moe.latentSize ?? h;
  out.push(...ffnMatrices(arch, "moe.experts", "routed-experts", x, moe.expertIntermediateSize, e, moe.topK));
  if (moe.latentSize !== undefined)
    out.push(
      weightMatrix("moe.fc1_latent_proj", "shared-experts", x, h),
      weightMatrix("moe.fc2_latent_proj", "shared-experts", h, x),
    );
  if (moe.expertBias === true)
    out.push(
      highPrecisionTensor(
        "moe.experts.gate_up_bias",
        "routed-experts",
        2 * moe.expertIntermediateSize,
        1,
        e,
        moe.topK,
      ),
      highPrecisionTensor("moe.experts.down_bias", "routed-experts", x, 1, e, moe.topK),
    );
  if (moe.numSharedExperts > 0)
    out.push(
      ...ffnMatrices(
        arch,
        "moe.shared",
        "shared-experts",
        h,
        moe.numSharedExperts * moe.sharedExpertIntermediateSize,
        1,
        1,
      ),
    );
  return out;
}

/**
 * All tensors of one decoder layer (a linear-attention layer's own attention block when `linear`).
 * A single-mixer block (Nemotron-H) has one RMSNorm: the mixer's input norm, or the FFN's norm
 * when it has no mixer (`mixer` false).
 */
function layerTensors(
  arch: ModelArchitecture,
  kind: LayerKind,
  linear = false,
  ratio = 0,
  hashRouted = false,
  mixer = true,
): WeightTensor[] {
  let attention = !mixer
    ? []
    : linear && arch.linearAttention !== undefined
      ? linearAttentionTensors(arch, arch.linearAttention)
      : attentionTensors(arch, ratio);
  const ffn = ffnTensors(arch, kind, hashRouted);
  if (arch.hybridBlocks === undefined) return [...attention, ...ffn];
  attention = attention.filter((t) => t.name !== "ffn.post_attention_norm");
  const norm =
    kind === "none" ? [] : [highPrecisionTensor("ffn.post_attention_norm", "attention", arch.hiddenSize)];
  return [...attention, ...norm, ...ffn];
}

/**
 * Tensors of one MTP module (DeepSeek-V3): two RMSNorms, the 2h→h projection, one decoder layer,
 * and the head's norm. Its embedding and output head are the main model's (not counted again).
 */
export function mtpModuleTensors(arch: ModelArchitecture): WeightTensor[] {
  const h = arch.hiddenSize;
  const ratio = compressRatio(arch, arch.numLayers) ?? 0;
  const inner = layerTensors(arch, mtpLayerKind(arch), false, ratio).map((t) => ({
    ...t,
    component: "mtp" as const,
    placeAs: t.component,
  }));
  return [
    highPrecisionTensor("mtp.enorm", "mtp", h),
    highPrecisionTensor("mtp.hnorm", "mtp", h),
    weightMatrix("mtp.eh_proj", "mtp", h, 2 * h),
    ...inner,
    highPrecisionTensor("mtp.head_norm", "mtp", h),
  ];
}

/** Model-level tensors: embedding table, final norm and LM head (no copy if tied). */
export function headTensors(arch: ModelArchitecture): WeightTensor[] {
  const h = arch.hiddenSize;
  return [
    { ...weightMatrix("embedding", "embedding", arch.vocabSize, h, 1, 0), quantizable: false },
    highPrecisionTensor("final_norm", "lm-head", h),
    {
      ...weightMatrix("lm_head", "lm-head", arch.vocabSize, h, arch.tiedEmbeddings ? 0 : 1, 1),
      quantizable: false,
    },
    ...(arch.hyperConnections === undefined ? [] : hyperHeadTensors(arch.hyperConnections, h)),
  ];
}

/** Elements of one copy of a tensor. */
export function tensorElements(t: WeightTensor): number {
  return t.rows * t.cols;
}

/** Tensors per decoder layer of the main model, index-aligned with `layerKinds`. */
export function modelLayerTensors(arch: ModelArchitecture): WeightTensor[][] {
  const byKind = new Map<string, WeightTensor[]>();
  return layerKinds(arch).map((kind, i) => {
    const linear = isLinearAttentionLayer(arch, i);
    const ratio = compressRatio(arch, i) ?? 0;
    const hash = isHashRoutedLayer(arch, i);
    const mixer = hasMixer(arch, i);
    // A windowed layer with its own attention shape (Gemma 4, MiMo-V2-Flash) has its own tensors.
    const layerArch = layerArchitecture(arch, i);
    const shape = layerArch === arch ? "" : sharesTopK(arch, i) ? "shared-top-k" : "own-window-shape";
    const key = `${kind}:${linear}:${ratio}:${hash}:${mixer}:${shape}`;
    let tensors = byKind.get(key);
    if (tensors === undefined) {
      tensors = layerTensors(layerArch, kind, linear, ratio, hash, mixer);
      byKind.set(key, tensors);
    }
    return tensors;
  });
}
