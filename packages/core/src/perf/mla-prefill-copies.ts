/**
 * The copies an engine runs around the naive-form MLA prefill kernel (`separateKernels`), each a
 * memory-bound vector operator:
 * - key assembly (`mlaKeyConcat`): the up-projected no-position keys and the one rotary key per token
 *   written into one per-head key tensor — SGLang with two slice copies, vLLM with one torch.cat
 *   (`mlaKeyConcatKernels`);
 * - output copy (`mlaOutputCopy`, vLLM): the core's output [tokens, heads, v] copied into the layer's
 *   output buffer (`output[num_decode_tokens:] = self._forward_prefill(...)`).
 */
import type { SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { activationPass, type Operator } from "../model/index.ts";

/** MLA head dimensions: the no-position and rotary parts of a key, and a value. */
export interface MlaDims {
  readonly nopeDim: number;
  readonly ropeDim: number;
  readonly vDim: number;
}

/** Rows and heads of the layer's `attn.kv_b_proj` (absent: not the naive form). */
function expanded(mla: MlaDims, kvB: Operator | undefined): { rows: number; heads: number } {
  return { rows: kvB?.shape?.m ?? 0, heads: (kvB?.shape?.n ?? 0) / (mla.nopeDim + mla.vDim) };
}

/** The key assembly after `kvB` (the layer's `attn.kv_b_proj`); `prefix` is an MTP layer's. */
export function mlaKeyConcat(
  policy: SeparateKernels,
  mla: MlaDims | undefined,
  kvB: Operator,
  prefix: string,
  actBytes: number,
): Operator | undefined {
  if (!policy.mlaKeyConcat || mla === undefined) return undefined;
  const { rows, heads } = expanded(mla, kvB);
  if (rows <= 0 || heads <= 0) return undefined;
  // k[..., :nope] = k_nope; k[..., nope:] = k_pe (broadcast over heads).
  const read = rows * (heads * mla.nopeDim + mla.ropeDim) * actBytes;
  const write = rows * heads * (mla.nopeDim + mla.ropeDim) * actBytes;
  const pass = activationPass({
    name: `${prefix}attn.k_concat`,
    dtype: kvB.dtype,
    flops: 0,
    readBytes: read,
    writeBytes: write,
  });
  return { ...pass, kernels: policy.mlaKeyConcatKernels ?? 2 };
}

/** The output copy after `core` (the layer's `attn.core`, `mlaOutputCopy` set), sized by the layer's `kvB`. */
export function mlaOutputCopy(
  mla: MlaDims | undefined,
  core: Operator,
  kvB: Operator | undefined,
  prefix: string,
): Operator | undefined {
  if (mla === undefined) return undefined;
  const { rows, heads } = expanded(mla, kvB);
  if (rows <= 0 || heads <= 0) return undefined;
  const bytes = rows * heads * mla.vDim * DTYPE_BYTES[core.dtype];
  return activationPass({
    name: `${prefix}attn.out_copy`,
    dtype: core.dtype,
    flops: 0,
    readBytes: bytes,
    writeBytes: bytes,
  });
}
