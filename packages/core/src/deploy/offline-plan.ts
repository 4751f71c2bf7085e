/** The `offline` section resolved for the search: mean lengths, and what a length distribution implies. */

import type { ModelArchitecture } from "../model/index.ts";
import { groupThousands, type OfflineSpec, SupernodeError } from "../spec/index.ts";
import {
  checkOfflineLengths,
  longestLength,
  type OfflineLengths,
  offlineLengths,
} from "./offline-lengths.ts";

/**
 * The `offline` section resolved: `promptTokens` / `outputTokens` are the mean lengths, `lengths`
 * what their distributions imply (deploy/offline-lengths.ts; absent means fixed lengths), and the
 * distributions as written (`simulate` draws from them).
 */
export type OfflinePlan = Omit<OfflineSpec, "promptTokens" | "outputTokens"> & {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly lengths?: OfflineLengths;
  readonly distributions?: {
    readonly promptTokens: OfflineSpec["promptTokens"];
    readonly outputTokens: OfflineSpec["outputTokens"];
  };
};

/** The offline section with mean lengths; fixed lengths pass through unchanged. */
export function resolveOffline(spec: OfflineSpec, model: ModelArchitecture, fileName: string): OfflinePlan {
  const { promptTokens, outputTokens } = spec;
  checkMaxTokens(spec, fileName);
  if (typeof promptTokens === "number" && typeof outputTokens === "number") {
    checkOfflineLengths(offlineLengths(promptTokens, outputTokens), model, fileName);
    return { ...spec, promptTokens, outputTokens };
  }
  const lengths = offlineLengths(promptTokens, outputTokens, fileName);
  checkOfflineLengths(lengths, model, fileName);
  return {
    ...spec,
    promptTokens: lengths.prompt,
    outputTokens: lengths.output,
    lengths,
    distributions: { promptTokens, outputTokens },
  };
}

/**
 * Refuses an `offline.maxTokens` below the longest answer (the mean, for an uncapped normal or
 * log-normal length): a request's max_tokens cuts its answer there.
 */
function checkMaxTokens(spec: OfflineSpec, fileName: string): void {
  const cap = spec.maxTokens;
  if (cap === undefined) return;
  const longest = longestLength(spec.outputTokens);
  const bound =
    longest ??
    (typeof spec.outputTokens === "number"
      ? spec.outputTokens
      : offlineLengths(1, spec.outputTokens, fileName).output);
  if (cap < bound)
    throw new SupernodeError(
      "invalid-value",
      `offline.maxTokens ${groupThousands(cap)} is below the ${longest === undefined ? "mean" : "longest"} answer of outputTokens (${groupThousands(Math.ceil(bound))} tokens): a request's max_tokens would cut it; expected at least ${groupThousands(Math.ceil(bound))}`,
      { file: fileName, fieldPath: ["offline", "maxTokens"] },
    );
}
