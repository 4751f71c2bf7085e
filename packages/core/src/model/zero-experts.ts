/**
 * Zero-computation experts (LongCat-Flash's `zero_expert_num`): identity experts scored beside the
 * routed ones. The router scores routed + zero experts and picks `slots` (`moe_topk`) of them; a
 * slot on a zero expert returns the token scaled by its gate — no GEMM, no dispatch: SGLang's
 * `zero_experts_compute_triton` adds the scaled token itself and sets those picks' expert id to −1,
 * which the expert kernels and DeepEP skip (SGLang PR 10303, September 2025; before it the picks
 * went to expert 0 at weight 0, and the PR reports +10 % prefill throughput from the change). The
 * MoE's `topK` is then the expected number of routed (FFN) experts per token, which is what the
 * expert GEMMs, the dispatch and the activated-parameter count see. Not modelled: vLLM's
 * `zero_experts_compute`, which maps the picks to expert 0 at weight 0 (rows on one expert).
 *
 * Source: transformers `LongcatFlashTopkRouter` (router width n_routed_experts + zero_expert_num, a
 * correction bias of that width) and `LongcatFlashExperts` (ids ≥ n_routed_experts are the identity);
 * LongCat-Flash Technical Report (arXiv:2509.01322) abstract (18.6–31.3 B activated, 27 B on average).
 */

/** The zero-computation experts of a MoE: how many, and how many router picks a token makes. */
export interface ZeroExpertSpec {
  /** Identity experts beside the routed ones (`zero_expert_num`). */
  readonly count: number;
  /** Experts the router picks per token, routed and zero together (`moe_topk`). */
  readonly slots: number;
}

/**
 * Expected routed experts per token when every one of the routed + zero experts takes an equal
 * share of the picks — the state the bias controller drives the routed experts to (each routed
 * expert at 1 / (routed + zero) of the picks). An assumption: the report gives the average activated
 * count (27 B), not the expected routed picks; 12 × 512 / 768 = 8 gives 27.1 B for LongCat-Flash.
 * @example expectedRoutedPicks(512, { count: 256, slots: 12 }) // 8
 */
export function expectedRoutedPicks(routedExperts: number, zero: ZeroExpertSpec): number {
  return (zero.slots * routedExperts) / (routedExperts + zero.count);
}

/** Router columns (scores per token): routed experts plus any zero-computation experts. */
export function routerColumns(moe: {
  readonly numRoutedExperts: number;
  readonly zeroExperts?: ZeroExpertSpec;
}): number {
  return moe.numRoutedExperts + (moe.zeroExperts?.count ?? 0);
}

/** Picks per token the router writes and the combine sums: the slots, or the top-k without zero experts. */
export function routerPicks(moe: { readonly topK: number; readonly zeroExperts?: ZeroExpertSpec }): number {
  return moe.zeroExperts?.slots ?? moe.topK;
}
