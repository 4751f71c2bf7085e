/**
 * The communication items of one layer for one microbatch on one rank: attention TP all-reduce or
 * the sequence-parallel all-gather / all-to-all, dense-FFN and MoE TP all-reduces, and MoE
 * dispatch/combine (the hottest rank receiving the imbalance factor).
 */
import { combineBytesPerToken, dispatchBytesPerToken } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { LayerKind } from "../model/index.ts";
import type { StepContext } from "./step-context.ts";
import type { StepItem } from "./step-operators.ts";
import type { MicrobatchWork } from "./step-work.ts";

/** TP collectives move activations in BF16, whatever the GEMM input format. */
const TP_ACTIVATION_BYTES = DTYPE_BYTES.bf16;

/**
 * Collectives of one layer of `kind`; `tokenScale` scales the tokens (MTP draft passes carry
 * 1 / (1 + draft) of the verified tokens); `mixer` false: a single-mixer FFN block (Nemotron-H),
 * which has no attention and so no attention collective.
 * @example layerCollectives(ctx, work, "moe", true).map((i) => i.name) // ["moe.dispatch", "moe.combine_transfer"]
 */
export function layerCollectives(
  ctx: StepContext,
  work: MicrobatchWork,
  kind: LayerKind,
  sequenceParallel: boolean,
  tokenScale = 1,
  mixer = true,
): StepItem[] {
  const { plan, scenario } = ctx;
  const arch = scenario.model;
  const hidden = arch.hiddenSize;
  const tp = plan.attention.tp;
  const tokensPerRank = work.tokensPerRank * tokenScale;
  const items: StepItem[] = [];
  if (tp > 1 && mixer) {
    const tokens = work.groupTokens * tokenScale;
    // SP or not, a rank holds only its own heads of every token it attends: the q/k norm's
    // all-reduce follows the SP all-gather (and the qkv projection), before the attention
    const qkNorm = qkNormAllReduce(ctx, tokens, tp);
    if (sequenceParallel) {
      // SP → TP → SP (CloudMatrix-Infer prefill MLA): all-gather the token shards' attention inputs
      // (MLA: the q and kv latents), run the rank's heads over all tokens, all-to-all the head
      // outputs back to token shards.
      const a = arch.attention;
      const inputWidth = a.kind === "mla" ? (a.qLoraRank ?? hidden) + a.kvLoraRank + a.qkRopeHeadDim : hidden;
      const outputWidth = a.kind === "mla" ? (a.numHeads / tp) * a.vHeadDim : hidden / tp;
      items.push(
        ctx.comm.collective(
          "attention-comm",
          "attn.sp_all_gather",
          "all-gather",
          tokens * inputWidth * TP_ACTIVATION_BYTES,
          tp,
        ),
      );
      items.push(...qkNorm);
      items.push(
        ctx.comm.collective(
          "attention-comm",
          "attn.sp_all_to_all",
          "all-to-all",
          tokens * outputWidth * TP_ACTIVATION_BYTES,
          tp,
        ),
      );
    } else {
      items.push(...qkNorm);
      items.push(
        ctx.comm.collective(
          "attention-comm",
          "attn.all_reduce",
          "all-reduce",
          tokens * hidden * TP_ACTIVATION_BYTES,
          tp,
        ),
      );
    }
  }
  const ffnTp = plan.denseFfn.tp;
  if (kind === "dense") items.push(...dpGather(ctx, "ffn.dp_gather", tokensPerRank, ffnTp));
  if (kind === "dense" && ffnTp > 1)
    items.push(
      ctx.comm.collective(
        "ffn-comm",
        "ffn.all_reduce",
        "all-reduce",
        tokensPerRank * ffnTp * hidden * TP_ACTIVATION_BYTES,
        ffnTp,
      ),
    );
  if (kind === "moe") items.push(...dpGather(ctx, "moe.dp_gather", tokensPerRank, plan.moe?.tp ?? 1));
  if (kind === "moe") items.push(...moeCollectives(ctx, work, tokensPerRank, tokenScale));
  return items;
}

/** Per token, the q and k mean squares a projection-wide q/k norm all-reduces: two FP32 values. */
const QK_NORM_STAT_BYTES = 2 * DTYPE_BYTES.fp32;

/**
 * A q/k RMSNorm over the whole projection (MiniMax-M2's `qk_norm_type: per_layer`) needs the mean
 * square over all heads, and a tensor-parallel rank holds only its own: the engines all-reduce the
 * per-token q and k mean squares over the attention TP group between `qkv_proj` and the norm (vLLM
 * `MiniMaxText01RMSNormTP`: `tensor_model_parallel_all_reduce` of the FP32 variance, q and k in one
 * call in `minimax_qk_norm_fusion`; SGLang and TensorRT-LLM the same). A per-head norm needs none.
 */
function qkNormAllReduce(ctx: StepContext, tokens: number, tp: number): StepItem[] {
  const a = ctx.scenario.model.attention;
  if (a.kind !== "gqa" || a.qkNorm !== true || a.qkNormScope !== "projection") return [];
  return [
    ctx.comm.collective(
      "attention-comm",
      "attn.qk_norm_all_reduce",
      "all-reduce",
      tokens * QK_NORM_STAT_BYTES,
      tp,
    ),
  ];
}

/**
 * An FFN or MoE that is tensor-parallel over more ranks than the attention (attention data-parallel
 * across the FFN's TP group) needs the other attention ranks' tokens before it runs: SGLang's
 * DP attention gathers them over the TP group in every layer (layers/dp_attention.py `_dp_gather`:
 * an all-gather of the padded tokens, or an all-reduce of a zeroed global buffer) before the MLP,
 * and the MLP's TP all-reduce follows as without DP. The gathered tokens are what the FFN's own
 * all-reduce already counts (`tokensPerRank * ffnTp`); this is the transfer that brings them.
 */
function dpGather(ctx: StepContext, name: string, tokensPerRank: number, ffnTp: number): StepItem[] {
  if (ffnTp <= ctx.plan.attention.tp) return [];
  const hidden = ctx.scenario.model.hiddenSize;
  const bytes = tokensPerRank * ffnTp * hidden * TP_ACTIVATION_BYTES;
  return [ctx.comm.collective("ffn-comm", name, "all-gather", bytes, ffnTp)];
}

/**
 * MoE dispatch and combine of one layer (an all-to-all library, or TensorRT-LLM's all-gather /
 * reduce-scatter where its all-to-all does not run), and the MoE TP all-reduce.
 */
function moeCollectives(
  ctx: StepContext,
  work: MicrobatchWork,
  tokensPerRank: number,
  tokenScale: number,
): StepItem[] {
  const { plan, scenario } = ctx;
  const arch = scenario.model;
  const moe = plan.moe;
  if (moe === undefined || arch.moe === undefined) return [];
  const hidden = arch.hiddenSize;
  const items: StepItem[] = [];
  const dispatchBytes = dispatchBytesPerToken(arch, scenario.precision);
  const combineBytes = combineBytesPerToken(arch, scenario.precision);
  if (moe.library === "allgather-reducescatter" && plan.attention.dp === 1) {
    // Attention tensor-parallel over the whole instance (no attention DP): every rank already holds
    // every token, so nothing is gathered; each runs its experts on all of them and one all-reduce
    // sums the partial outputs (TensorRT-LLM Qwen3MoE / fused MoE: the all-gather and reduce-scatter
    // run only with attention DP, `reducescatter_or_allreduce`). The all-reduce spans the attention
    // TP group (the whole instance), so it also sums the experts' TP partials: no MoE TP all-reduce.
    const tp = plan.attention.tp;
    return [
      ctx.comm.collective(
        "combine",
        "moe.combine_transfer",
        "all-reduce",
        tokensPerRank * tp * combineBytes,
        tp,
      ),
    ];
  } else if (moe.library === "allgather-reducescatter") {
    // Every rank receives all EP ranks' tokens (one copy each, whatever the routing), runs its
    // experts on them and reduce-scatters the partial outputs of all of them back to their ranks.
    const gathered = tokensPerRank * moe.ep;
    items.push(
      ctx.comm.collective("dispatch", "moe.dispatch", "all-gather", gathered * dispatchBytes, moe.ep),
    );
    items.push(
      ctx.comm.collective(
        "combine",
        "moe.combine_transfer",
        "reduce-scatter",
        gathered * combineBytes,
        moe.ep,
      ),
    );
  } else {
    const k = arch.moe.topK + (moe.dedicatedSharedReplicas > 0 ? arch.moe.numSharedExperts : 0);
    const f = work.imbalance.factor;
    const rail = work.imbalance.railFactor;
    items.push(ctx.comm.dispatch(moe.ep, tokensPerRank, k, dispatchBytes, f, rail));
    items.push(ctx.comm.combine(moe.ep, tokensPerRank, k, combineBytes, f, rail));
  }
  items.push(...tpOutputGather(ctx, work, tokenScale));
  if (moe.tp > 1)
    items.push(
      ctx.comm.collective(
        "ffn-comm",
        "moe.tp_all_reduce",
        "all-reduce",
        tokensPerRank * moe.tp * hidden * TP_ACTIVATION_BYTES,
        moe.tp,
      ),
    );
  return items;
}

/**
 * The MoE outputs all-gathered over the attention TP group after combine, where the engine runs the
 * MoE on a 1/TP slice of the tokens per TP rank (vLLM-Ascend: `PrepareAndFinalizeWithAll2All` /
 * `WithMC2` split the TP group's tokens, padded to a multiple of TP, before dispatch and all-gather
 * the outputs in `finalize`). Only with expert parallelism over an all-to-all library, experts not
 * tensor-parallel; `tokenScale` as in `layerCollectives`.
 */
function tpOutputGather(ctx: StepContext, work: MicrobatchWork, tokenScale = 1): StepItem[] {
  const { plan, scenario } = ctx;
  const tp = plan.attention.tp;
  const moe = plan.moe;
  if (scenario.engine?.moeTpOutputGather !== true || moe === undefined || tp <= 1) return [];
  if (moe.ep <= 1 || moe.tp > 1 || moe.library === "allgather-reducescatter") return [];
  // The TP group's tokens padded to a multiple of TP (at least one per rank).
  const padded = Math.max(1, Math.ceil((work.groupTokens * tokenScale) / tp)) * tp;
  const bytes = padded * scenario.model.hiddenSize * TP_ACTIVATION_BYTES;
  return [ctx.comm.collective("ffn-comm", "moe.tp_output_gather", "all-gather", bytes, tp)];
}
