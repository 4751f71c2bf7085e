/**
 * NVFP4 training (`precision.compute: nvfp4`) as Transformer Engine's `NVFP4BlockScaling` recipe
 * runs it (TE `common/recipe/__init__.py`; Megatron-Bridge `bf16_with_nvfp4_mixed`, the `-c nvfp4`
 * of its performance scripts), and what it spends outside its GEMMs.
 *
 * What runs in FP4 (E2M1, 16-element blocks with an E4M3 scale each, plus one FP32 scale per tensor):
 * every GEMM of TE's linear layers, forward (fprop), data gradient (dgrad) and weight gradient
 * (wgrad), on Blackwell's FP4 tensor cores. The attention core stays BF16 (the recipe's `fp8_dpa`
 * and `fp8_mha` are off), so does Megatron-Core's LM head (a plain ColumnParallelLinear, not a TE
 * module) and everything outside the GEMMs. No transformer layer is kept in BF16 by Megatron-Bridge's
 * recipe: `first_last_layers_bf16` defaults to False (only its Nemotron-3-Super variant keeps its
 * last 14 layers BF16).
 *
 * Operand quantization, per quantized BF16 element (TE `pytorch/csrc/quantizer.cpp`
 * `NVFP4Quantizer::quantize_impl`):
 * - inputs X (fprop) and output gradients dY (dgrad) get a random Hadamard transform (16×16) on
 *   their column-wise copy, the one the wgrad GEMM reads; dY is rounded stochastically. With the
 *   RHT the tensor's amax must be known first: `nvte_hadamard_transform_amax` reads it once
 *   (2 B) for the row-wise amax and the post-RHT column-wise amax; then the fused
 *   `nvte_quantize_with_hadamard_transform` reads it again (2 B) and writes the row-wise FP4 copy
 *   (0.5 B + 1/16 B of E4M3 scales) and the transformed column-wise copy (0.5 + 1/16 B): 2 kernels,
 *   read 4 B, write 1.125 B. The RHT runs on the tensor cores inside that pass (TE: "we are using
 *   MMA hardware for computing RHT"), so the pass is timed as memory-bound.
 * - weights use 16×16 2D blocks (no RHT, no stochastic rounding) and are kept in FP4 by the
 *   recipe (`fp4_param_gather = True`): cast once per step, not per micro-batch (not timed, as
 *   for FP8's `fp8_param_gather`).
 * - the wgrad GEMM reuses the column-wise copies of X and dY; under sequence parallelism TE
 *   quantizes the rank's shard and all-gathers it in NVFP4 (`distributed.py` `_all_gather_nvfp4`),
 *   as for FP8 (`fp8-quantization.ts` places the passes).
 *
 * Bytes and kernels are derived from that source, not measured.
 */

/** Bytes per element of an NVFP4 copy (FP4 data + one E4M3 scale per 16-element block). */
export const NVFP4_COPY_BYTES = 0.5 + 1 / 16;

/** HBM bytes and kernels per quantized BF16 element (RHT amax pass; fused RHT cast writing two copies). */
export const NVFP4_QUANTIZE_PASS = {
  read: 4,
  write: 2 * NVFP4_COPY_BYTES,
  kernels: 2,
} as const;
