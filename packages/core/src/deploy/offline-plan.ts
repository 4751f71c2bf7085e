/** The `offline` section resolved for the search: mean lengths, and what a length distribution implies. */

import type { ModelArchitecture } from "../model/index.ts";
import type { OfflineSpec } from "../spec/index.ts";
import { checkOfflineLengths, type OfflineLengths, offlineLengths } from "./offline-lengths.ts";

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
