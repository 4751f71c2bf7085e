/**
 * Offload of an instance group's weights and KV cache to host memory, as planned: the shares held
 * in host DRAM and the host link they cross (resolved against the system by the step model).
 */
import type { Chip } from "../hardware/index.ts";
import { didYouMean, type OffloadSpec } from "../spec/index.ts";
import { hostLinkIds } from "./host-links.ts";
import type { FieldFailure } from "./plan-types.ts";

export interface OffloadPlan {
  /** Share of each decoder layer's weights in host memory, streamed whenever the layer runs. */
  readonly weightsFraction: number;
  /** Share of each sequence's KV cache in host memory, read by every attention over the link. */
  readonly kvCacheFraction: number;
  /** Host link id, or undefined for the system's default. */
  readonly link?: string;
}

/**
 * @example planOffload({ weightsFraction: 0.5, kvCacheFraction: 0 }, chip, fail).weightsFraction // 0.5
 */
export function planOffload(spec: OffloadSpec, _chip: Chip, fail: FieldFailure): OffloadPlan {
  if (spec.link !== undefined && !hostLinkIds().includes(spec.link))
    fail(["offload", "link"], `unknown host link "${spec.link}". ${didYouMean(spec.link, hostLinkIds())}`);
  if (spec.kvCacheFraction >= 1)
    fail(
      ["offload", "kvCacheFraction"],
      "at least part of the KV cache must stay in HBM (give a share below 1)",
    );
  return {
    weightsFraction: spec.weightsFraction,
    kvCacheFraction: spec.kvCacheFraction,
    ...(spec.link !== undefined ? { link: spec.link } : {}),
  };
}
