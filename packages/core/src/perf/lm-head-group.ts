/**
 * The LM head's own tensor-parallel group (deployment `lmHead.tp`, vLLM-Ascend
 * `finegrained_tp_config.lmhead_tensor_parallel_size`): around the head GEMM, the group all-gathers
 * its ranks' final hidden states (dim 0) and, after the GEMM over the gathered rows and the rank's
 * vocabulary shard, an all-to-all hands every rank its own rows' logits over the whole vocabulary
 * (vLLM-Ascend `_get_logits_lmheadtp` and `lmhead_all_to_all`, read at 182b75e); with `logits:
 * all-gather` (SGLang under DP attention without `--enable-dp-lm-head`: `_gather_dp_attn_hidden_states`,
 * the head over the vocabulary shard, `tensor_model_parallel_all_gather`, `_scatter_dp_attn_logits`)
 * every rank gathers all the rows' logits over the whole vocabulary instead. Both move BF16
 * (the head's output dtype; sampling upcasts afterwards). The items take the attention-comm
 * group: the head runs after the layers, outside any stream profile.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { Operator } from "../model/index.ts";
import type { StepContext } from "./step-context.ts";
import type { StepItem } from "./step-operators.ts";

/** Ranks whose rows one LM head GEMM multiplies: lmHead.tp ÷ attention TP (1 without a group of its own). */
export function lmHeadRowGroups(ctx: StepContext): number {
  const tp = ctx.plan.lmHead?.tp;
  return tp === undefined ? 1 : tp / ctx.plan.attention.tp;
}

/**
 * The group's two collectives around the head GEMM `lmHead` (its rows already gathered), named
 * after it (`head.lm_head` → `head.lm_head_gather`, `head.lm_head_all_to_all` or, with `logits:
 * all-gather`, `head.lm_head_logits_gather`); empty without a group of its own.
 * @example lmHeadCollectives(ctx, lmHeadOp).map((i) => i.name)
 * // ["head.lm_head_gather", "head.lm_head_all_to_all"] with lmHead.tp 16 over attention TP 1
 */
export function lmHeadCollectives(ctx: StepContext, lmHead: Operator): StepItem[] {
  const ranks = ctx.plan.lmHead?.tp;
  if (ranks === undefined || ranks === ctx.plan.attention.tp || lmHead.shape === undefined) return [];
  const { m, n } = lmHead.shape;
  const hidden = ctx.scenario.model.hiddenSize;
  const gather = ctx.comm.collective(
    "attention-comm",
    `${lmHead.name}_gather`,
    "all-gather",
    m * hidden * DTYPE_BYTES.bf16,
    ranks,
  );
  // Every rank holds the gathered rows × its vocabulary shard: the all-to-all hands each its own
  // rows (1 / ranks of it); SGLang without --enable-dp-lm-head all-gathers every row over the whole
  // vocabulary (ranks × its shard).
  const allGather = ctx.plan.lmHead?.logits === "all-gather";
  const logits = ctx.comm.collective(
    "attention-comm",
    `${lmHead.name}_${allGather ? "logits_gather" : "all_to_all"}`,
    allGather ? "all-gather" : "all-to-all",
    m * n * (allGather ? ranks : 1) * DTYPE_BYTES.bf16,
    ranks,
  );
  return [gather, logits];
}
