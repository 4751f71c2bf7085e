/**
 * A GQA decode attention core for tests of the decode-attention laws: `batch` sequences of `heads`
 * query heads over `kvHeads` KV heads of `dim`, `keys` cached keys each, in a `kvBytes`-byte cache.
 */
import type { Operator } from "../../model/index.ts";

export interface GqaDecodeCoreShape {
  readonly heads?: number;
  readonly kvHeads?: number;
  readonly dim?: number;
  readonly kvBytes?: number;
  readonly kernels?: number;
}

/** @example gqaDecodeCore(1024, 128).attention?.kvHeads === 8 */
export function gqaDecodeCore(batch: number, keys: number, shape: GqaDecodeCoreShape = {}): Operator {
  const { heads = 64, kvHeads = 8, dim = 64, kvBytes = 2, kernels = 1 } = shape;
  return {
    name: "attn.core",
    class: "attention-decode",
    dtype: "bf16",
    flops: 2 * batch * keys * heads * 2 * dim,
    bytesRead: {
      weights: 0,
      activations: batch * heads * dim * 2,
      kvCache: batch * keys * kvHeads * 2 * dim * kvBytes,
    },
    bytesWritten: { activations: batch * heads * dim * 2, kvCache: 0 },
    attention: {
      queries: batch,
      heads,
      qkHeadDim: dim,
      vHeadDim: dim,
      meanKeysPerQuery: keys,
      causal: false,
      queryTokensPerSequence: 1,
      kvHeads,
      kvElementBytes: kvBytes,
    },
    kernels,
  };
}
