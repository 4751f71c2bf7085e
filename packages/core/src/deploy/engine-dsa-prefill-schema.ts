/**
 * The `dsaPrefill` section of a serving-engine release (data/engines/<name>.yaml): how the engine
 * runs a DeepSeek Sparse Attention (DSA) prefill's attention core (resolved per chip by
 * deploy/engine-dsa-prefill.ts).
 */
import { z } from "zod";
import { EVIDENCE_TAGS } from "../spec/index.ts";

/** How an engine runs a DSA prefill's attention core (`dsaPrefill`). */
export const DSA_PREFILL_FORMS = ["absorbed", "mha-up-to-topk"] as const;
export type DsaPrefillForm = (typeof DSA_PREFILL_FORMS)[number];

/**
 * How a DSA prefill runs its attention core on `chipVendors`' devices (all when absent):
 * `absorbed` — every prompt token through the sparse MLA kernel in MQA form (query absorbed into
 * the 512-wide latent, 576-wide keys, 512-wide values: FlashMLA's `flash_mla_sparse_fwd`),
 * `mha-up-to-topk` — dense MHA over expanded keys (MLA's naive form) when the batch's prompts are
 * no longer than the indexer's top-k, absorbed above. Absent: not recorded (the model's default,
 * the naive form). model/layer-options.ts `mlaForm`.
 */
export const dsaPrefillSchema = z.strictObject({
  value: z.enum(DSA_PREFILL_FORMS),
  /**
   * The engine passes the sparse kernel no per-token top-k length (`topk_length`), so every
   * query runs the whole top-k width, its -1 padding included (FlashMLA's kernel masks the
   * padding but still computes it).
   */
  padsTopK: z.boolean().optional(),
  /**
   * Query heads the sparse prefill kernel is padded to on the listed chips (a chip extending
   * one is that chip): a rank's heads are rounded up to a multiple of `heads`, and the kernel
   * computes the padding heads too.
   */
  padHeads: z
    .array(z.strictObject({ heads: z.number().int().positive(), chips: z.array(z.string()).min(1) }))
    .optional(),
  /**
   * The engine stages the absorbed sparse kernel's operands in copies of their own (vLLM's
   * FLASHMLA_SPARSE): the query's latent and RoPE parts concatenated, the top-k indices rewritten
   * to cache or workspace slots, the query copied into the padded-head buffer where it pads; with
   * a one-byte latent cache also each prompt's cache gathered and up-converted to BF16 and the
   * kernel's output copied out of its padded result (model/mla-staging-ops.ts).
   */
  stagingCopies: z.boolean().optional(),
  chipVendors: z.array(z.string()).min(1).optional(),
  source: z.string(),
  tag: z.enum(EVIDENCE_TAGS),
  note: z.string().optional(),
});
