/**
 * How a deployment places a MoE model's experts (the scenario's `deployment.<group>.moe` and
 * `expertImbalance`, spec/scenario-schema.ts): expert and tensor parallelism, redundant and shared
 * expert copies, the dispatch/combine transport and kernels, and the load imbalance across the EP
 * ranks. Documented field by field in docs/scenario.md.
 */
import { z } from "zod";
import { LIMITS, rankCount } from "./limits.ts";

const nonNegativeInt = z.number().int().nonnegative();

export const moeParallelSchema = z.strictObject({
  /** Expert parallelism: ranks the routed experts are spread over (default: all ranks / tp). */
  ep: rankCount.optional(),
  /** Tensor parallelism inside each expert (EP × TP = ranks). */
  tp: rankCount.default(1),
  /** Extra copies of hot routed experts (EPLB). */
  redundantExperts: nonNegativeInt.max(LIMITS.ranks * 64).default(0),
  /** Copies of the shared expert(s), each on its own slot; default: one per rank (fused with the routed experts). */
  sharedExpertReplicas: rankCount.optional(),
  /**
   * How dispatch/combine travel: `auto` (scale-up fabric inside a system, scale-out across) or
   * `scale-out` (every copy over the NICs, as DeepEP's low-latency kernels did before NVLink support).
   */
  transport: z.enum(["auto", "scale-out"]).default("auto"),
  /**
   * The MoE communication kernels: default `cann-ep` on the UB, `deepep` elsewhere;
   * `nvlink-one-sided` is TensorRT-LLM's NVLinkOneSided AlltoAll (one copy per destination rank);
   * `cann-mc2` is CANN's MC2 dispatch/combine operators as DeepEP-Ascend and vLLM-Ascend call them;
   * `allgather-reducescatter` all-gathers every attention-DP rank's tokens before the experts and
   * reduce-scatters their outputs (NCCL collectives; TensorRT-LLM without an all-to-all).
   */
  library: z
    .enum(["cann-ep", "cann-mc2", "deepep", "nvlink-one-sided", "allgather-reducescatter"])
    .optional(),
  /**
   * The shared expert on a second stream, concurrent with the routed path (gate, dispatch, routed
   * experts, combine) of the same microbatch (vLLM-Ascend `multistream_overlap_shared_expert`).
   * Only without microbatch overlap (whose stream profiles place the shared expert themselves).
   */
  sharedExpertStream: z.boolean().optional(),
  /**
   * Dispatch, routed experts and combine as one fused kernel whose transfers overlap the expert
   * GEMMs (DeepGEMM's Mega MoE, SGLang `--moe-a2a-backend megamoe`): the layer waits for the longer
   * of the two, not their sum. Only without microbatch overlap or a shared-expert stream.
   */
  fusedDispatchCombine: z.boolean().optional(),
});

/**
 * Expert-load imbalance: a factor (hottest rank's expert tokens ÷ the mean; 1 = perfectly
 * balanced), `balanced`, or a routing distribution from which the factor is derived.
 */
export const expertImbalanceSchema = z.union([
  // All of a step's tokens on one rank is a factor of EP, so no factor exceeds the rank bound.
  z
    .number()
    .min(1)
    .max(LIMITS.ranks, { error: `expected a factor from 1 to ${LIMITS.ranks}` }),
  z.literal("balanced"),
  /** Every token picks experts uniformly at random (after EPLB balanced the expected loads). */
  z.strictObject({ distribution: z.literal("uniform-random") }),
  /** Expert popularity Zipf(exponent); redundant copies go to the hottest experts. */
  z.strictObject({ distribution: z.literal("zipf"), exponent: z.number().positive().max(100) }),
  /**
   * Skewed popularity fitted to a published expert-load statistic (data/deploy/expert-load-skew.yaml),
   * EPLB placement (DeepSeek's algorithm) over the deployment's ranks and redundant experts, plus
   * sampling noise at the step's token count.
   */
  z.strictObject({
    distribution: z.literal("measured-skew"),
    profile: z.string().min(1).default("xdeepserve-r1-sharegpt"),
    /**
     * `eplb`: DeepSeek's EPLB places the experts and their redundant copies by load (global policy);
     * `eplb-hierarchical`: its hierarchical policy (expert groups packed onto the instance's nodes
     * first, copies only inside a node), what SGLang's `auto` picks when the groups divide into the
     * nodes; `by-index`: the engine runs no load balancer and rank k holds the k-th block of experts
     * (no redundant copies).
     */
    placement: z.enum(["eplb", "eplb-hierarchical", "by-index"]).default("eplb"),
  }),
]);
export type ExpertImbalanceSpec = z.output<typeof expertImbalanceSchema>;
