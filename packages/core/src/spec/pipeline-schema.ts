/**
 * Pipeline parallelism of an inference instance (`deployment.<group>.pp`): the decoder layers are
 * split into `stages` consecutive stages, each on `ranks / stages` ranks that run the group's
 * attention/MoE/FFN parallelism among themselves. A number is the stage count; the object form
 * gives the layers of each stage (uneven splits) and the microbatches in flight.
 *
 * @example
 * pp: 2                                   # 80 layers → 40 + 40
 * pp: { stages: 3, layers: [27, 27, 26] } # explicit split
 * pp: { stages: 2, microbatches: 4 }      # more microbatches than stages
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

export const pipelineSchema = z.union([
  positiveInt,
  z.strictObject({
    stages: positiveInt,
    /** Decoder layers of each stage, first to last (sum = the model's layers); default: as even as possible, the extra layers on the first stages. */
    layers: z.array(positiveInt).optional(),
    /** Microbatches in flight (decode and prefill); default: one per stage. */
    microbatches: positiveInt.optional(),
  }),
]);
export type PipelineSpec = z.output<typeof pipelineSchema>;
