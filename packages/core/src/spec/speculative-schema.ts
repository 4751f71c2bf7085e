/**
 * Speculative decoding with a separate draft model (`deployment.<group>.speculative`): EAGLE /
 * EAGLE-3 heads or a small draft LLM propose `draftTokens` tokens one after another; the target
 * model verifies them in one pass. The built-in MTP modules of DeepSeek-style models use `mtp`
 * instead.
 *
 * @example
 * speculative: { method: eagle3, draftTokens: 3, acceptanceRate: 0.75 }              # one-layer head
 * speculative: { method: draft-model, draftModel: llama-3.1-8b, draftTokens: 4, acceptanceRate: 0.7 }
 */
import { z } from "zod";
import { scenarioDtypeSchema } from "./precision-schema.ts";

export const speculativeSchema = z.strictObject({
  /** `eagle` / `eagle3`: a draft head of `draftLayers` decoder layers with the target's width; `draft-model`: a zoo model. */
  method: z.enum(["eagle", "eagle3", "draft-model"]),
  /** Zoo id of the draft model (method draft-model). */
  draftModel: z.string().min(1).optional(),
  /** Decoder layers of an EAGLE head (EAGLE and EAGLE-3 publish one). */
  draftLayers: z.number().int().positive().default(1),
  /** Vocabulary of the draft head's LM head (EAGLE-3 trains a reduced one); default: the target's. */
  draftVocabSize: z.number().int().positive().optional(),
  /** Draft tokens proposed per step (one draft pass each). */
  draftTokens: z.number().int().positive(),
  /** Probability that a draft token is accepted given the previous one was (per model and dataset). */
  acceptanceRate: z.number().min(0).max(1),
  /**
   * Format of the draft's weights and GEMM math where it differs from the target's (a BF16 EAGLE-3
   * head beside a W8A8 or FP8 target: SGLang `--speculative-draft-model-quantization unquant`);
   * default: the target's `precision`.
   */
  weights: scenarioDtypeSchema.optional(),
});
export type SpeculativeSpec = z.output<typeof speculativeSchema>;
