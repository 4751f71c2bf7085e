/**
 * The `hostTime` section of a serving-engine release (data/engines/<name>.yaml): the engine's host
 * (CPU) time per iteration — scheduling, input preparation, KV-block bookkeeping, sampler updates,
 * responses — per executor process (one per attention-DP rank): `perIterationUs` + `perSequenceUs` ×
 * the sequences the process schedules. The overlap scheduler (host work of iteration n+1 done while
 * the device runs iteration n) hides it behind the device time (an iteration takes the longer of
 * the two); without one the two add. `chipVendors`: the devices the values hold on (all when
 * absent). `overlapScheduler.offWithMtp`: the engine turns it off when it decodes with MTP or a
 * speculative draft. perf/host-time.ts.
 */
import { z } from "zod";
import { SUPPORTED_MODEL_TYPES } from "../model/index.ts";
import { sourcedValue, tag } from "./engine-sourced-schema.ts";

const MODEL_FAMILIES = new Set<string>(Object.values(SUPPORTED_MODEL_TYPES));

export const hostTimeSchema = z.strictObject({
  chipVendors: z.array(z.string()).min(1).optional(),
  perIterationUs: sourcedValue().optional(),
  perSequenceUs: sourcedValue().optional(),
  /**
   * Host time per scheduled sequence of an executor process that is one of several attention-DP
   * ranks (attention DP > 1); `perSequenceUs` then holds for one-rank instances only. Absent:
   * `perSequenceUs` for every instance.
   */
  perSequenceUsAttentionDp: sourcedValue().optional(),
  /**
   * Host time to launch one decoder layer of a forward that is not replayed as one full graph
   * (a piecewise graph whose attention runs eagerly between captured pieces, or an eager
   * forward): the device cannot run ahead of it, so a forward takes at least layers × this.
   */
  perLayerUs: sourcedValue().optional(),
  /**
   * `perLayerUs` for the model families (keys: `ModelFamily`, e.g. `deepseek_v4`) whose
   * implementation in this engine launches its own number of kernels per decoder layer; a family
   * not listed takes `perLayerUs` (or none).
   */
  perLayerUsByFamily: z
    .record(z.string(), sourcedValue())
    .superRefine((byFamily, ctx) => {
      for (const family of Object.keys(byFamily))
        if (!MODEL_FAMILIES.has(family))
          ctx.addIssue({
            code: "custom",
            path: [family],
            message: `expected a model family (one of ${[...MODEL_FAMILIES].join(", ")}), got "${family}"`,
          });
    })
    .optional(),
  /**
   * Device time lost per decoder layer of a piecewise forward, whatever the host does: each piece
   * is a graph launch of its own and the eager attention's kernels run outside a graph. Added to
   * every iteration that runs piecewise. Absent: 0.
   */
  perLayerDeviceUs: sourcedValue().optional(),
  overlapScheduler: z.strictObject({
    value: z.boolean(),
    offWithMtp: z.boolean().optional(),
    source: z.string(),
    tag,
    note: z.string().optional(),
  }),
});
