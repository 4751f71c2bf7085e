/**
 * What FP8 training with per-tensor current scaling (Transformer Engine's `Float8CurrentScaling`,
 * Megatron-Bridge's FP8-CS recipe) spends outside its GEMMs: every GEMM operand that is not already
 * FP8 is quantized just before the GEMM, and current scaling needs the tensor's amax before the
 * first element can be scaled, so each quantization is two memory-bound passes:
 *
 *   1. amax: read the BF16 tensor (2 B per element);
 *   2. cast: read it again (2 B) and write the FP8 copy row-wise (1 B) and column-wise (1 B), the
 *      second being what the weight-gradient GEMM consumes (TE's fused cast-transpose).
 *
 * Quantized per micro-batch: the input X of every forward GEMM and the output gradient dY of every
 * data-gradient GEMM (the weight-gradient GEMM reuses the column-wise copies of X and dY). Weights
 * are not: the recipe keeps parameters in FP8 (`fp8_param_gather`), cast once per step. Under
 * sequence parallelism an operand whose inner dimension is the full hidden size reaches its GEMM
 * through the SP all-gather and TE quantizes the rank's 1/tp shard before gathering it in FP8.
 *
 * Block-wise scaling (DeepSeek-V3 §3.3.2, 1×128 activation tiles) needs no tensor-wide amax: each
 * tile's scale is computed online in the one pass that casts it (and DeepSeek fuses the cast with
 * the transposition), so it costs one pass: read 2 B, write 2 B.
 *
 * NVFP4 (FP4 GEMM operands, Transformer Engine's NVFP4BlockScaling) is the same placement with its
 * own passes: `nvfp4-quantization.ts`.
 *
 * Bytes per element and kernels are derived from these recipes, not measured; the passes run at
 * the chip's memory-bound (vector-class) efficiency.
 */
import { activationPass, type Operator, VECTOR_FLOPS_PER_ELEMENT } from "../model/index.ts";
import { NVFP4_QUANTIZE_PASS } from "./nvfp4-quantization.ts";

export type Fp8Scaling = "current" | "blockwise";
/** Operand scaling of a low-precision GEMM: FP8's two, or NVFP4 (FP4 GEMMs; `nvfp4-quantization.ts`). */
export type OperandScaling = Fp8Scaling | "nvfp4";

/** HBM traffic and kernels per quantized element under each scaling recipe. */
const PASSES: Record<
  OperandScaling,
  { readonly read: number; readonly write: number; readonly kernels: number }
> = {
  // amax read 2 + cast read 2; FP8 row-wise 1 + column-wise 1.
  current: { read: 4, write: 2, kernels: 2 },
  // one fused pass: read 2; FP8 row-wise 1 + column-wise 1.
  blockwise: { read: 2, write: 2, kernels: 1 },
  nvfp4: NVFP4_QUANTIZE_PASS,
};

/** Elements of the BF16 operand one rank quantizes before `op` (0 when nothing is). */
export function quantizedElements(op: Operator, hiddenSize: number, tpShard: number): number {
  if ((op.dtype !== "fp8" && op.dtype !== "fp4") || op.shape === undefined) return 0;
  if (op.class !== "gemm" && op.class !== "grouped-gemm") return 0;
  if (op.name.endsWith(".wgrad")) return 0;
  const { m, k, groups } = op.shape;
  const elements = m * k * (groups ?? 1);
  return k === hiddenSize ? elements / tpShard : elements;
}

/**
 * The memory-bound quantization operator in front of `op` (FP8-CS), or undefined when it needs none.
 * @example fp8QuantizeOperator(qkvProj, 16384, 4, "current")?.bytesRead.activations // 4 B × m × k / 4
 */
export function fp8QuantizeOperator(
  op: Operator,
  hiddenSize: number,
  tpShard: number,
  scaling: OperandScaling = "current",
): Operator | undefined {
  const elements = quantizedElements(op, hiddenSize, tpShard);
  if (elements <= 0) return undefined;
  const pass = PASSES[scaling];
  return activationPass({
    name: `${op.name}.${scaling === "nvfp4" ? "nvfp4" : "fp8"}_quantize`,
    dtype: "bf16",
    flops: VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
    readBytes: pass.read * elements,
    writeBytes: pass.write * elements,
    kernels: pass.kernels,
  });
}
