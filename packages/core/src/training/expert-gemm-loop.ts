/**
 * The local experts' GEMMs as Transformer Engine's GroupedLinear runs them (Megatron-Core's
 * TEGroupedMLP, `moe_grouped_gemm = True`), scenario field `expertGemm: per-expert-streams`.
 *
 * TE release_v2.9 (`common/gemm/cublaslt_gemm.cu`, `nvte_multi_tensor_gemm`): unless the GPU is
 * sm_90 and `NVTE_USE_CUTLASS_GROUPED_GEMM=1` (default off) and the operands are BF16, every grouped
 * call is `multi_stream_cublas_gemm`: one cuBLASLt GEMM per local expert, expert i on compute stream
 * i mod 4 (`common/util/multi_stream.cpp`: `num_compute_streams = 4`). Forward fc1 and fc2, backward
 * dgrad and wgrad of each: 6 GEMMs per expert per micro-batch, Hopper and Blackwell alike.
 *
 * Timed as ⌈E/4⌉ rounds of 4 concurrent GEMMs, each round one dense (cuBLAS, `gemm` class) GEMM of
 * 4 groups for tiles and waves with one launch cost (the concurrent kernels' fixed costs overlap;
 * an assumption). FP8 operands are quantised per expert on the current stream
 * (`pytorch/csrc/extensions/cast.cpp` `multi_tensor_quantize_impl`: only delayed scaling has a fused
 * multi-tensor kernel): current scaling runs compute_amax, compute_scale_from_amax and quantize per
 * expert (`quantizer.cpp`, 3 kernels), MXFP8 / block-wise one quantize per expert. Bytes are as for
 * the whole tensor; only the kernel count changes.
 */
import type { Operator } from "../model/index.ts";
import { type Device, type EfficiencyProfile, operatorTime } from "../perf/index.ts";
import type { OperandScaling } from "./fp8-quantization.ts";

/** Transformer Engine's compute streams for multi-tensor GEMMs (v2.9 `num_compute_streams`). */
export const TE_COMPUTE_STREAMS = 4;

/** Quantisation kernels per local expert and operand under TE's per-expert loop. */
const QUANTIZE_KERNELS_PER_EXPERT: Readonly<Record<OperandScaling, number>> = {
  current: 3,
  blockwise: 1,
  // NVFP4: the (post-RHT) amax pass and the fused cast per expert, as for a whole tensor (assumption).
  nvfp4: 2,
};

/**
 * The share `f` of a grouped expert GEMM that some of its experts are: every FLOP and byte, the
 * weights' and their gradients' included (perf/step-shard.ts `scaleOperator` scales the tokens of
 * an operator instead: its weights stay whole and its rows shrink).
 */
function expertShare(op: Operator, f: number): Operator {
  return {
    ...op,
    flops: op.flops * f,
    bytesRead: {
      weights: op.bytesRead.weights * f,
      activations: op.bytesRead.activations * f,
      kvCache: op.bytesRead.kvCache * f,
    },
    bytesWritten: {
      ...op.bytesWritten,
      activations: op.bytesWritten.activations * f,
      kvCache: op.bytesWritten.kvCache * f,
      ...(op.bytesWritten.weightGradients !== undefined && {
        weightGradients: op.bytesWritten.weightGradients * f,
      }),
    },
  };
}

/**
 * Seconds of a grouped expert GEMM run as one cuBLAS GEMM per expert on TE's compute streams;
 * undefined for any other operator.
 * @example perExpertStreamsTime(expertGateUp16, h100, h100Profile) // 4 rounds of 4 concurrent expert GEMMs
 */
export function perExpertStreamsTime(
  op: Operator,
  device: Device,
  profile: EfficiencyProfile,
): number | undefined {
  if (op.class !== "grouped-gemm" || op.shape === undefined) return undefined;
  const experts = op.shape.groups ?? 1;
  const concurrent = Math.min(TE_COMPUTE_STREAMS, experts);
  const rounds = Math.ceil(experts / concurrent);
  const round: Operator = {
    ...expertShare(op, concurrent / experts),
    class: "gemm",
    kernels: 1,
    shape: { ...op.shape, groups: concurrent },
  };
  return rounds * operatorTime(round, device, profile).timeS;
}

/**
 * The FP8 quantisation in front of a grouped expert GEMM with TE's per-expert kernels.
 * @example perExpertQuantize(quantizeOp, 16, "current").kernels // 48
 */
export function perExpertQuantize(q: Operator, experts: number, scaling: OperandScaling): Operator {
  return { ...q, kernels: experts * QUANTIZE_KERNELS_PER_EXPERT[scaling] };
}
