/**
 * Megatron-Core's language-model loss without `cross_entropy_loss_fusion`.
 *
 * The operator graph's `head.loss` is one fused pass over the logits (one read forward, a read and a
 * write backward), as Transformer Engine's fused cross-entropy runs it (the NeMo recipes:
 * `cross_entropy_fusion_impl = "te"`). Without a fused loss Megatron-Core core_v0.6.0 (the release
 * MindSpeed-LLM 1.0.RC3 runs) calls `vocab_parallel_cross_entropy(logits.float(), labels)`
 * (`models/common/language_module/language_module.py`) on the rank's [tokens, vocabulary / tp]
 * slice; MindSpeed 1.0.RC3_core_r0.6.0 patches its forward with the same passes
 * (`mindspeed/core/tensor_parallel/cross_entropy.py`) and Megatron's backward
 * (`tensor_parallel/cross_entropy.py`) scales the saved softmax in place. Per logit:
 *
 * - forward, 6 kernels: the cast to FP32 (read 2, write 4 B), the row max (read 4), the subtraction
 *   of the max (out of place: read 4, write 4), `exp` in place (read 4, write 4), the row sum
 *   (read 4), the division in place (read 4, write 4): 24 B read, 14 B written;
 * - backward, 2 kernels: the multiply by the output gradient in place (read 4, write 4) and the
 *   cast's backward to BF16 (read 4, write 2): 8 B read, 6 B written.
 *
 * The three small all-reduces over TP (row max, target logit, row sum: one FP32 per token each) are
 * not counted. Derived from the source; nothing set from a result.
 */
import { activationPass, type Operator } from "../model/index.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/**
 * The unfused cross-entropy passes over `logits` elements (the rank's slice), forward or backward.
 * @example unfusedCrossEntropyOperators(1000, "forward", 5000)[0].bytesRead.activations // 24000
 */
export function unfusedCrossEntropyOperators(
  logits: number,
  direction: "forward" | "backward",
  flops: number,
): Operator[] {
  const forward = direction === "forward";
  return [
    activationPass({
      name: forward ? "head.loss_unfused" : "head.loss_unfused.backward",
      dtype: "bf16",
      flops,
      readBytes: (forward ? 24 : 8) * logits,
      writeBytes: (forward ? 14 : 6) * logits,
      kernels: forward ? 6 : 2,
    }),
  ];
}

/**
 * The head's operators with the loss as the scenario's framework runs it: `head.loss` (and its
 * backward) replaced by the unfused passes when the scenario is Megatron-Core without a fused
 * cross-entropy (`crossEntropyFusion: false`); unchanged otherwise.
 * @example megatronLossOps(headOps, mindspeedScenario, 16384).some((o) => o.name === "head.loss_unfused") // true
 */
export function megatronLossOps(ops: Operator[], s: TrainingScenario, tokensPerRank: number): Operator[] {
  if (s.framework !== "megatron-core" || s.crossEntropyFusion) return ops;
  const logits = (tokensPerRank * s.model.vocabSize) / s.layout.tp;
  return ops.flatMap((op) =>
    op.name === "head.loss" || op.name === "head.loss.backward"
      ? unfusedCrossEntropyOperators(logits, op.name === "head.loss" ? "forward" : "backward", op.flops)
      : [op],
  );
}
