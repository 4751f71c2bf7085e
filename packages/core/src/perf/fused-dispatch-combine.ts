/**
 * Dispatch, routed experts and combine fused into one kernel (deployment `moe.fusedDispatchCombine`;
 * DeepGEMM's Mega MoE as SGLang runs it under `--moe-a2a-backend megamoe`). DeepGEMM's README: Mega
 * MoE "fuses and overlaps EP dispatch, linear 1 (FP8xFP4), SwiGLU, linear 2 (FP8xFP4), and EP
 * combine into a single mega-kernel, overlapping NVLink communication and tensor core computation".
 * The layer therefore waits for the longer of the transfers and the expert work, not their sum:
 *   layer = Σ other items + max(Σ dispatch + combine, Σ routed experts),
 * each side at its items' own times (the transfers draw no HBM, so the expert work keeps its
 * bandwidth). The transfers and GEMMs are timed as the unfused kernels' (the fabric's library, the
 * chip's grouped GEMM): the fusion changes their composition, not their rates. The latency chain
 * of one token (its dispatch before its GEMMs, its combine after) and the fused kernel's own
 * transfer path (symmetric memory, no separate launches) are not modelled, so at a few tokens per
 * rank, where neither side hides the other, the result is off either way (docs/step-model.md §8,
 * "DeepSeek-V4's MoE at EP8 on Blackwell against DeepGEMM's Mega MoE table").
 */
import { composeOneBatchLayer } from "./one-batch-layer.ts";
import type { LayerItems, LayerTiming } from "./step-layer.ts";

/**
 * A layer whose dispatch and combine transfers overlap its routed experts; a layer without
 * transfers composes as the plain sum.
 * @example composeFusedDispatchCombine(items).layerS // ≤ Σ item times
 */
export function composeFusedDispatchCombine(source: LayerItems): LayerTiming {
  let transfersS = 0;
  let expertsS = 0;
  return composeOneBatchLayer(
    source,
    (group, item) => {
      if (group === "dispatch" || group === "combine") transfersS += item.timeS;
      else if (group === "experts") expertsS += item.timeS;
      else return false;
      return true;
    },
    () => Math.max(transfersS, expertsS),
  );
}
