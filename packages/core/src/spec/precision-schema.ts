/**
 * The `precision` section of a scenario: formats of each tensor family, with an optional format
 * per model component (weights and GEMM math), so NVFP4 routed experts can sit beside FP8 attention
 * projections and a BF16 attention core. Documented in docs/scenario.md (`precision`).
 *
 * @example
 * precision:
 *   weights: fp8                 # default for every linear layer (block-128x128 scales)
 *   kvCache: fp8
 *   components:
 *     experts: { weights: fp4, scheme: nvfp4-g16 }   # W4A4 NVFP4 routed experts
 *     attentionProjections: { weights: fp8, math: fp8 }
 */
import { z } from "zod";

export const scenarioDtypeSchema = z.enum(["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4", "int4"]);

/** Weight quantization schemes (scales per `model/weight-bytes.ts`). */
export const quantSchemeSchema = z.enum([
  "none",
  "per-tensor",
  "per-channel",
  "block-128x128",
  "nvfp4-g16",
  "mxfp4-g32",
  "int4-g32",
]);

/** One component's weights and GEMM math. */
export const componentPrecisionSchema = z.strictObject({
  /** Weight format of the component's matrices. */
  weights: scenarioDtypeSchema,
  /** Quantization scheme; default per format (fp8: block-128x128, int8: per-channel, fp4: nvfp4-g16). */
  scheme: quantSchemeSchema.optional(),
  /** GEMM math format; default: the weight format when quantized (W8A8, W4A4), else `activations`. */
  math: scenarioDtypeSchema.optional(),
});
export type ComponentPrecisionSpec = z.output<typeof componentPrecisionSchema>;

/** Scenario names of the components, as written in `precision.components`. */
export const precisionComponentsSchema = z.strictObject({
  /** Attention projections (q/k/v/o; MLA's down/up projections and absorbed per-head GEMMs). */
  attentionProjections: componentPrecisionSchema.optional(),
  /**
   * The attention output projection alone (`o_proj`; DeepSeek's `wo`), for checkpoints that quantize
   * it apart from the other projections; default: `attentionProjections`.
   */
  attentionOutput: componentPrecisionSchema.optional(),
  /** Routed MoE experts. */
  experts: componentPrecisionSchema.optional(),
  /** Shared MoE experts. */
  sharedExperts: componentPrecisionSchema.optional(),
  /** Dense FFN layers. */
  denseFfn: componentPrecisionSchema.optional(),
  /** The LM head (default: unquantized, in BF16). */
  lmHead: componentPrecisionSchema.optional(),
});
export type PrecisionComponentsSpec = z.output<typeof precisionComponentsSchema>;

/** Formats of each tensor family. Missing ones default as documented in docs/scenario.md. */
export const precisionSchema = z.strictObject({
  /** Linear-layer weights (attention projections, experts, dense FFN) unless a component says otherwise. */
  weights: scenarioDtypeSchema,
  /** Quantization scheme of `weights`; default per format. */
  weightScheme: quantSchemeSchema.optional(),
  /** GEMM inputs (activations); default: the weight format. */
  activations: scenarioDtypeSchema.optional(),
  /** KV cache as stored; default bf16. */
  kvCache: scenarioDtypeSchema.default("bf16"),
  /** Math of the attention core (QK^T, softmax·V); default bf16. */
  attention: scenarioDtypeSchema.default("bf16"),
  /**
   * DeepSeek Sparse Attention's lightning indexer: its query, key cache and score math. Default:
   * int8 where the GEMM math is int8, else fp8 (DeepSeek's reference indexer); bf16 where the engine
   * runs the unquantised indexer (vLLM-Ascend without `enable_sparse_li_c8`).
   */
  indexer: scenarioDtypeSchema.optional(),
  /**
   * Linear-attention layers' recurrent state (Qwen3-Next's Gated DeltaNet) as stored; default fp32
   * (SGLang's --mamba-ssm-dtype / vLLM's --mamba-ssm-cache-dtype set it).
   */
  linearState: scenarioDtypeSchema.optional(),
  /** Token payload sent by MoE dispatch; default: the activation format. */
  dispatch: scenarioDtypeSchema.optional(),
  /** Token payload returned by MoE combine; default bf16. */
  combine: scenarioDtypeSchema.default("bf16"),
  /** Per-component weights and math, overriding `weights`/`activations` for that component. */
  components: precisionComponentsSchema.optional(),
});
export type PrecisionSpec = z.output<typeof precisionSchema>;
