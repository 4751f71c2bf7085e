/**
 * The tensor-parallel group a routed-expert rank's shared expert is split over. Its rows are that
 * group's tokens (step-work.ts `sharedExpertTokens`), so the group sets the GEMM shape, the weight
 * bytes read and whether the work is the rank's own (rank-local-work.ts), not the FLOPs.
 *
 * - Fused into the routed grouped GEMMs (SGLang's 257th expert): the experts' TP group.
 * - Expert parallelism over an all-to-all (DeepEP, MC2, NVLinkOneSided: any library but
 *   `allgather-reducescatter`): no token leaves its attention group before the dispatch, so the
 *   shared expert runs on that group's tokens, split at most over the attention's TP group. SGLang
 *   replicates it (`shared_experts` built with `tp_rank=0, tp_size=1` when the a2a backend is DeepEP
 *   or Mooncake: python/sglang/srt/models/deepseek_v2.py, DeepseekV2MoE.__init__, "disable tp for
 *   shared experts when enable deepep moe"), as TensorRT-LLM does under attention DP
 *   (DeepseekV3MoE `_compute_shared_expert_tp_size`); vLLM-Ascend shards it over the attention's TP
 *   group by default. The dense FFN's wider TP group (SGLang without `--moe-dense-tp-size 1`) gathers
 *   the dense layers' tokens only.
 * - Otherwise (experts tensor-parallel, or EP over an all-gather): the dense FFN's TP group.
 * @example sharedExpertTp({ attention: { tp: 1, dp: 16, sequenceParallel: false }, denseFfn: { tp: 16, dp: 1 }, moe: { ep: 16, tp: 1, library: "deepep" } }, false) // 1
 */
import type { InstancePlan } from "../deploy/index.ts";

type SharedExpertPlan = Pick<InstancePlan, "attention" | "denseFfn"> & {
  readonly moe?: Pick<NonNullable<InstancePlan["moe"]>, "ep" | "tp" | "library">;
};

export function sharedExpertTp(plan: SharedExpertPlan, fused: boolean): number {
  const moe = plan.moe;
  if (moe === undefined) return plan.denseFfn.tp;
  if (fused) return moe.tp;
  if (moe.ep > 1 && moe.library !== "allgather-reducescatter")
    return Math.min(plan.denseFfn.tp, plan.attention.tp);
  return plan.denseFfn.tp;
}
