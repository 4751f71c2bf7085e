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

interface MlaDims {
  readonly nopeDim: number;
  readonly ropeDim: number;
  readonly vDim: number;
}

/**
 * The copies that run after `op`, named `name` without its `prefix` (after `attn.kv_b_proj`: the keys;
 * after `attn.core`: the output); `kvB` is the layer's `attn.kv_b_proj` (absent: not the naive form).
 */
export function mlaPrefillCopies(
  policy: SeparateKernels,
  mla: MlaDims | undefined,
  op: Operator,
  name: string,
  prefix: string,
  kvB: Operator | undefined,
  actBytes: number,
): Operator[] {
  if (mla === undefined || (name !== "attn.kv_b_proj" && name !== "attn.core")) return [];
  const rows = kvB?.shape?.m ?? 0;
  const heads = (kvB?.shape?.n ?? 0) / (mla.nopeDim + mla.vDim);
  if (rows <= 0 || heads <= 0) return [];
  if (name === "attn.kv_b_proj" && policy.mlaKeyConcat) {
    // k[..., :nope] = k_nope; k[..., nope:] = k_pe (broadcast over heads).
    const read = rows * (heads * mla.nopeDim + mla.ropeDim) * actBytes;
    const write = rows * heads * (mla.nopeDim + mla.ropeDim) * actBytes;
    const pass = activationPass({
      name: `${prefix}attn.k_concat`,
      dtype: op.dtype,
      flops: 0,
      readBytes: read,
      writeBytes: write,
    });
    return [{ ...pass, kernels: policy.mlaKeyConcatKernels ?? 2 }];
  }
  if (name === "attn.core" && policy.mlaOutputCopy === true) {
    const bytes = rows * heads * mla.vDim * DTYPE_BYTES[op.dtype];
    return [
      activationPass({
        name: `${prefix}attn.out_copy`,
        dtype: op.dtype,
        flops: 0,
        readBytes: bytes,
        writeBytes: bytes,
      }),
    ];
  }
  return [];
}
