/**
 * A transformer as the simulator sees it: its architecture (parsed once from a Hugging Face
 * `config.json`, fully defaulted) and (re-exported from operator-types.ts) the operators one layer runs per phase.
 */
import type { Dtype } from "../hardware/index.ts";
import type { CompressedAttentionSpec, HyperConnectionSpec } from "./deepseek-v4-types.ts";
import type { SlidingWindowSpec } from "./sliding-window-types.ts";
import type { QuantScheme } from "./weight-bytes.ts";
import type { ZeroExpertSpec } from "./zero-experts.ts";

export type { CompressedAttentionSpec, HyperConnectionSpec, SlidingWindowSpec, ZeroExpertSpec };

export type ModelFamily =
  | "llama"
  | "qwen2"
  | "qwen3"
  | "qwen3_moe"
  | "mixtral"
  | "deepseek_v3"
  | "gpt_oss"
  | "llama4"
  | "glm4_moe"
  | "minimax_m2"
  | "qwen3_next"
  | "qwen3_5"
  | "deepseek_v4"
  | "nemotron_h"
  | "mimo_v2_flash"
  | "gemma4"
  | "longcat_flash";

export type AttentionSpec =
  | {
      /** Multi-head (numKvHeads === numHeads) or grouped-query attention. */
      readonly kind: "gqa";
      readonly numHeads: number;
      readonly numKvHeads: number;
      /** Head dim of queries and keys (and values unless `vHeadDim`: MiMo-V2-Flash 192 / 128). */
      readonly headDim: number;
      readonly vHeadDim?: number;
      /** Values from `k_proj` (Gemma 4 `attention_k_eq_v`): no `v_proj`; the cache keeps both. */
      readonly valueFromKey?: boolean;
      /** Bias on the q/k/v projections (Qwen2). Absent means false. */
      readonly qkvBias?: boolean;
      /** RMSNorm on queries and keys (Qwen3, GLM-4.5, MiniMax-M2). Absent means false. */
      readonly qkNorm?: boolean;
      /**
       * What one q/k norm spans: each head (`head`, Qwen3 and GLM-4.5: a weight of head_dim) or the
       * whole projection (`projection`, MiniMax-M2's `qk_norm_type: per_layer`: a weight of
       * heads × head_dim, the mean square taken over all heads). Absent means `head`.
       */
      readonly qkNormScope?: "head" | "projection";
      /** Bias on the output projection (`attention_bias` on Llama-style models, gpt-oss). Absent means false. */
      readonly outputBias?: boolean;
      /** A learned attention-sink logit per head (gpt-oss). Absent means false. */
      readonly sinks?: boolean;
      /** YaRN RoPE scaling from `rope_scaling` (gpt-oss: factor 32, no mscale keys). Absent: none. */
      readonly ropeYarn?: RopeYarnSpec;
      /**
       * A sigmoid output gate per head (Qwen3-Next's gated attention): `q_proj` also emits a gate
       * of heads × head_dim that multiplies the attention output before `o_proj`. Absent means false.
       */
      readonly outputGate?: boolean;
    }
  | {
      /** DeepSeek multi-head latent attention. */
      readonly kind: "mla";
      readonly numHeads: number;
      /** null when queries are not low-rank compressed (DeepSeek-V2-Lite style). */
      readonly qLoraRank: number | null;
      readonly kvLoraRank: number;
      readonly qkNopeHeadDim: number;
      readonly qkRopeHeadDim: number;
      readonly vHeadDim: number;
      /** DeepSeek Sparse Attention (DeepSeek-V3.2): a lightning indexer picks the keys the core attends. */
      readonly sparse?: MlaSparseSpec;
      /**
       * DeepSeek-V4's compressed attention (compressed-attention.ts): the query projects straight to
       * heads × (kvLoraRank + qkRopeHeadDim) and attends one shared key = value head of that width
       * (no absorbed up-projections), over a sliding window plus compressed entries; the output
       * projection is grouped and low-rank. `sparse` then is the indexer of the ratio-4 layers.
       */
      readonly compressed?: CompressedAttentionSpec;
    };

/** DeepSeek Sparse Attention's indexer (`index_n_heads`, `index_head_dim`, `index_topk` of config.json). */
export interface MlaSparseSpec {
  readonly indexHeads: number;
  readonly indexHeadDim: number;
  /** Keys each query attends in the MLA core (2,048 in DeepSeek-V3.2). */
  readonly topK: number;
  /**
   * Decoder layers that run their own indexer (GLM-5.2's `indexer_types` "full": 21 of 78); every
   * other layer reuses the top-k of the last one that did ("shared": no indexer weights, keys or
   * work). Absent: every layer runs one.
   */
  readonly indexerLayers?: readonly number[];
  /** Set on a shared layer's view (`layerAttention`): this layer reuses an earlier layer's top-k. */
  readonly sharedTopK?: true;
}

export interface MoeSpec {
  readonly numRoutedExperts: number;
  readonly numSharedExperts: number;
  readonly topK: number;
  /** Intermediate size of one routed expert. */
  readonly expertIntermediateSize: number;
  /** Intermediate size of one shared expert (usually equal to the routed one). */
  readonly sharedExpertIntermediateSize: number;
  /** Leading layers that use the dense FFN instead of MoE (`first_k_dense_replace`). */
  readonly firstKDenseLayers: number;
  /** Every `layerFrequency`-th layer is MoE (after the dense prefix); 1 for all. */
  readonly layerFrequency: number;
  /** Expert groups and how many a token may use (DeepSeek node-limited routing); 1/1 if none. */
  readonly numExpertGroups: number;
  readonly topKGroups: number;
  /**
   * Which index counts for `layerFrequency`: `index` (DeepSeek: `i % freq == 0`) or `index+1`
   * (Qwen3-MoE `decoder_sparse_step`: `(i + 1) % step == 0`). Absent means `index`.
   */
  readonly frequencyBase?: "index" | "index+1";
  /** Layers forced dense (Qwen3-MoE `mlp_only_layers`). Absent means none. */
  readonly denseLayerIndices?: readonly number[];
  /** A per-expert bias on the router logits (DeepSeek-V3's balancing bias, gpt-oss's linear bias). */
  readonly routerBias?: boolean;
  /** Biases on the experts' gate/up and down projections (gpt-oss). Absent means false. */
  readonly expertBias?: boolean;
  /**
   * The GLU's clamp limit (gpt-oss `swiglu_limit`): the gate half clamped to ≤ limit, the linear
   * half to [−limit, limit] before the activation. Absent: no clamp.
   */
  readonly expertActivationClamp?: number;
  /**
   * Leading MoE layers whose experts a fixed token-id → experts table picks (DeepSeek-V4
   * `num_hash_layers`): no top-k selection and no score bias; the gate still weights the experts.
   */
  readonly hashLayers?: number;
  /**
   * Latent MoE (Nemotron 3 Super's `moe_latent_size`): `fc1_latent_proj` projects each token from
   * hidden to this width before dispatch, the routed experts work at this width, `fc2_latent_proj`
   * projects the combined output back; the router and the shared expert see the hidden state.
   * Absent: the experts take the hidden state.
   */
  readonly latentSize?: number;
  /** Identity experts the router may pick (LongCat-Flash); `topK` is then the expected routed picks (zero-experts.ts). */
  readonly zeroExperts?: ZeroExpertSpec;
}

/** YaRN rotary scaling as a config states it (`rope_scaling` with `rope_type: yarn`). */
export interface RopeYarnSpec {
  readonly factor: number;
  readonly mscale?: number;
  readonly mscaleAllDim?: number;
}

/**
 * Linear-attention layers (Qwen3-Next's Gated DeltaNet): the listed decoder layers replace softmax
 * attention by a gated delta-rule recurrence whose state per sequence is fixed-size (value heads ×
 * key head dim × value head dim) instead of a KV cache that grows with the context.
 */
export interface LinearAttentionSpec {
  /**
   * The recurrence: Gated DeltaNet (absent, Qwen3-Next / Qwen3.5) or Mamba-2's SSD (`mamba2`,
   * Nemotron-H), whose shapes map onto the same fields: x ↔ v (`mamba_num_heads` ×
   * `mamba_head_dim`), B ↔ k and C ↔ q (`n_groups` × `ssm_state_size`), so the state per head is
   * `ssm_state_size` × `mamba_head_dim` and the conv runs over x, B and C.
   */
  readonly kind?: "mamba2";
  /** Mamba-2's SSD chunk (`chunk_size`, 128 in Nemotron-H); absent for Gated DeltaNet (64). */
  readonly chunkSize?: number;
  /** 0-based indices of the linear-attention layers, ascending. */
  readonly layers: readonly number[];
  readonly numKeyHeads: number;
  readonly numValueHeads: number;
  readonly keyHeadDim: number;
  readonly valueHeadDim: number;
  /** Width of the causal depthwise convolution over q, k and v (`linear_conv_kernel_dim`). */
  readonly convKernel: number;
}

/** The mixer of one single-mixer block (Nemotron-H: `M`, `*`, `E`, `-` of its pattern). */
export const HYBRID_BLOCKS = ["mamba", "attention", "moe", "mlp"] as const;
export type HybridBlock = (typeof HYBRID_BLOCKS)[number];

/** Model components whose checkpoint stores GEMM weights in their own format. */
export type CheckpointComponent = "attention" | "dense-ffn" | "routed-experts" | "shared-experts";

/** The published checkpoint's weight format of one component. */
export interface CheckpointFormat {
  readonly dtype: Dtype;
  readonly scheme: QuantScheme;
}

/** A published parameter count with where it was published. */
export interface PublishedCount {
  readonly value: number;
  /** URL plus section, e.g. a model card or a paper table. */
  readonly source: string;
  readonly note?: string;
  /** The published activated count includes the embedding table (compare with activatedWithEmbedding). */
  readonly includesEmbedding?: boolean;
}

export interface ModelArchitecture {
  readonly id: string;
  readonly name: string;
  readonly family: ModelFamily;
  /** Where the config came from (zoo source URL, or the user's file path). */
  readonly source: string;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  /** The full-attention (and MTP) layers' attention; see `slidingWindow.attention`. */
  readonly attention: AttentionSpec;
  /** Intermediate size of the dense FFN (SwiGLU: gate, up, down). */
  readonly denseIntermediateSize: number;
  readonly moe?: MoeSpec;
  /** Multi-token-prediction modules (`num_nextn_predict_layers`). */
  readonly mtpModules: number;
  readonly maxPositionEmbeddings: number;
  /** Checkpoint dtype as published (e.g. fp8 for DeepSeek-V3, bf16 for Llama). */
  readonly nativeDtype: Dtype;
  /**
   * Components the checkpoint stores in another format than `nativeDtype` (gpt-oss: MXFP4 routed
   * experts beside BF16 attention; NVIDIA's DeepSeek-R1-FP4: NVFP4 experts beside FP8 attention).
   */
  readonly checkpointComponents?: Readonly<Partial<Record<CheckpointComponent, CheckpointFormat>>>;
  /** Sliding-window attention layers (gpt-oss: every other layer, 128 tokens). Absent: none. */
  readonly slidingWindow?: SlidingWindowSpec;
  /** Linear-attention layers (Qwen3-Next: three of every four). Absent: none. */
  readonly linearAttention?: LinearAttentionSpec;
  /** Hyper-connections around every sublayer (DeepSeek-V4: 4 streams). Absent: a plain residual. */
  readonly hyperConnections?: HyperConnectionSpec;
  /**
   * Single-mixer blocks (Nemotron-H's `hybrid_override_pattern`), one per decoder layer: each is
   * one RMSNorm and one mixer — a Mamba-2 layer (its indices are `linearAttention.layers`), an
   * attention layer, a MoE or a dense MLP — not attention + FFN. Absent: every layer is attention
   * (or linear attention) followed by its FFN.
   */
  readonly hybridBlocks?: readonly HybridBlock[];
  /**
   * The FFN activation of the dense FFN and every expert: SwiGLU (absent: gate, up and down
   * matrices) or squared ReLU (`relu2`, Nemotron-H's `mlp_hidden_act`: up and down only).
   */
  readonly ffnActivation?: "relu2";
  /** Published totals, for comparison (zoo models; absent for user configs). */
  readonly published?: {
    readonly totalParams?: PublishedCount;
    readonly activatedParams?: PublishedCount;
    readonly mtpParams?: PublishedCount;
  };
  /** What is known or assumed about this model (zoo metadata), shown by `supernode model`. */
  readonly notes?: readonly string[];
}

export type { AttentionShape, Operator, OperatorClass, OperatorShape, Phase } from "./operator-types.ts";
export { OPERATOR_CLASSES } from "./operator-types.ts";
