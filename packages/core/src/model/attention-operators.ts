/**
 * Attention operators of one layer on one rank: GQA/MHA, and MLA in its two forms.
 *
 * MLA naive (prefill, training): expand the latent of every attended token with `kv_b_proj` into
 * per-head keys and values, then run ordinary multi-head attention with head dim
 * nope + rope = 192 for scores and v = 128 for values.
 * MLA absorbed (decode): fold `W_UK` into the query (`q_absorb`) and `W_UV` into the output
 * (`v_absorb`), and attend directly over the cached latent as multi-query attention with head dim
 * kvLora + rope = 576 for scores and kvLora = 512 for values. Both compute the same attention
 * output; absorbed avoids expanding the cache (no kv_b_proj over all cached tokens) at the cost of
 * ~3× more FLOPs per attended pair, which pays off when few queries attend many cached tokens.
 *
 * Under attention TP, heads split over ranks; MLA's `q_a`/`kv_a` projections and the latent cache
 * are replicated on each rank (every rank stores and reads the whole latent).
 */

import { isCompressed } from "./compressed-attention.ts";
import { compressedAttentionOperators } from "./compressed-attention-operators.ts";
import { gqaOperators } from "./gqa-operators.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { linearAttentionOperators } from "./linear-attention.ts";
import { mlaOperators } from "./mla-operators.ts";
import { rmsNormOp } from "./operator-builder.ts";
import type { ModelArchitecture, Operator } from "./types.ts";

/**
 * The input norm and the attention block (up to and including `o_proj`) of one layer; a
 * linear-attention layer (`linear`, Qwen3-Next's Gated DeltaNet) has its own block, and so does a
 * layer of DeepSeek-V4's compressed attention (`compressRatio` defined: 0, 4 or 128).
 */
export function attentionOperators(
  arch: ModelArchitecture,
  w: ResolvedWorkload,
  prefix = "",
  linear = false,
  compressRatio?: number,
): Operator[] {
  const a = arch.attention;
  const ops = [rmsNormOp(w, `${prefix}attn.input_norm`, w.tokens, arch.hiddenSize)];
  if (linear && arch.linearAttention !== undefined)
    return [...ops, ...linearAttentionOperators(arch, arch.linearAttention, w, prefix)];
  switch (a.kind) {
    case "gqa":
      return [...ops, ...gqaOperators(arch, a, w, prefix)];
    case "mla":
      if (isCompressed(a))
        return [...ops, ...compressedAttentionOperators(arch, a, w, prefix, compressRatio ?? 0)];
      return [...ops, ...mlaOperators(arch, a, w, prefix)];
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}
