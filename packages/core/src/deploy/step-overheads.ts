/**
 * Per-step overheads that are not operators (data/deploy/step-overheads.yaml): the launch of the
 * step's compute graph(s), per chip vendor, with sources. Chips without data get a documented
 * default flagged `defaulted`.
 */

import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import { calibratedOnSchema, type EvidenceTag, type Sourced, type SourceRef } from "../spec/index.ts";

export interface StepOverheads {
  /** Seconds to launch one compute graph. */
  readonly graphLaunchS: Sourced<number>;
  /** True when no published figure exists for this chip (documented default). */
  readonly defaulted: boolean;
}

const valueSchema = z.strictObject({
  value: z.number().nonnegative(),
  low: z.number().nonnegative().optional(),
  high: z.number().nonnegative().optional(),
  source: z.string(),
  tag: z.enum(["measured", "spec", "estimate", "derived", "assumption"]),
  note: z.string().optional(),
  calibratedOn: calibratedOnSchema.optional(),
});
const fileSchema = z.strictObject({
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  overheads: z.array(z.strictObject({ chipVendor: z.string(), graphLaunchS: valueSchema })),
  fallback: z.strictObject({ graphLaunchS: valueSchema }),
});

const stepOverheadsFile = builtinDataOnce("deploy/step-overheads.yaml", fileSchema);

/**
 * Overheads for a chip vendor.
 * @example stepOverheads("Huawei").graphLaunchS.value // 0.0007
 */
export function stepOverheads(chipVendor: string): StepOverheads {
  const file = stepOverheadsFile();
  const entry =
    file.overheads.find((o) => o.chipVendor === chipVendor)?.graphLaunchS ?? file.fallback.graphLaunchS;
  const source: SourceRef | undefined = file.sources.find((s) => s.key === entry.source);
  const graphLaunchS: Sourced<number> = {
    value: entry.value,
    sources: source !== undefined ? [source] : [],
    tag: entry.tag as EvidenceTag,
    ...(entry.note !== undefined ? { note: entry.note } : {}),
  };
  return { graphLaunchS, defaulted: entry.tag === "assumption" };
}
