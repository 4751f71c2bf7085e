/**
 * What an MoE layer's dispatch and combine carry per token: its width (the hidden state, or a
 * latent MoE's latent projection) in the scenario's dispatch and combine formats, with the
 * dispatch format's block scales. Used by the buffers of deploy/memory.ts and the collectives
 * and separate kernels of the step model.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import type { Precision } from "./plan.ts";

/**
 * Values per token an MoE layer dispatches and combines: the hidden size, or a latent MoE's latent
 * projection (Nemotron 3 Super's `moe_latent_size`; Megatron-LM token_dispatcher.py: "the
 * dispatcher operates on latent-dim tensors"; fc2_latent_proj runs after the combine).
 * @example moeTokenWidth(deepseekV3) // 7168
 */
export function moeTokenWidth(arch: ModelArchitecture): number {
  return arch.moe?.latentSize ?? arch.hiddenSize;
}

/**
 * Dispatch payload bytes per token: the token's values (moeTokenWidth) in the dispatch format plus
 * their block scales. 8-bit dispatch: one FP32 scale per 128 values (DeepSeek's FP8 blocks, DeepEP)
 * or one E8M0 per 32 (MXFP8) — 1 byte per 32 values either way; FP4 dispatch is NVFP4: one FP8
 * (E4M3) scale per 16 values (NVIDIA's NVFP4 format; its per-tensor FP32 scale is not per token).
 * @example dispatchBytesPerToken(deepseekV3, { ...precision, dispatch: "fp4" }) // 7168 / 2 + 7168 / 16 = 4032
 */
export function dispatchBytesPerToken(arch: ModelArchitecture, precision: Precision): number {
  const width = moeTokenWidth(arch);
  const bytes = DTYPE_BYTES[precision.dispatch];
  const valuesPerScaleByte = bytes < 1 ? 16 : 32;
  const scales = bytes <= 1 ? Math.ceil(width / valuesPerScaleByte) : 0;
  return width * bytes + scales;
}

/**
 * Combine payload bytes per token: the token's values (moeTokenWidth) in the combine format.
 * @example combineBytesPerToken(deepseekV3, { ...precision, combine: "bf16" }) // 14336
 */
export function combineBytesPerToken(arch: ModelArchitecture, precision: Precision): number {
  return moeTokenWidth(arch) * DTYPE_BYTES[precision.combine];
}
