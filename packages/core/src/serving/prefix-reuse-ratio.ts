/**
 * What prefix (context-cache) reuse changes in a scenario, as a published ablation reports it: the
 * scenario as written — its workload's `prefixSharing` and `serving.prefixCache` — played on the
 * serving simulator against the same scenario with neither, where every prompt is computed. Both
 * runs send the workload's requests with its seed. P2 (arXiv:2506.12708v2) §5.4.3 reports EMS
 * context caching this way: TTFT and prefill throughput at a token reuse rate over "without EMS".
 */
import type { Scenario } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { simulate } from "./simulate.ts";
import type { SimulationResult } from "./simulation-result.ts";

/** The two runs' summaries: with the scenario's prefix reuse, and without. */
export interface PrefixReuseRuns {
  readonly withReuse: SimulationResult["summary"];
  readonly withoutReuse: SimulationResult["summary"];
}

/**
 * The scenario with prefix reuse and without, simulated.
 * @example const r = prefixReuseRuns(scenario); r.withReuse.ttftS.p50 / r.withoutReuse.ttftS.p50
 */
export function prefixReuseRuns(scenario: Scenario): PrefixReuseRuns {
  const workload = scenario.workload;
  const serving = scenario.serving;
  if (workload?.prefixSharing === undefined || serving?.prefixCache.enabled !== true)
    throw new SupernodeError(
      "invalid-value",
      `scenario ${scenario.name}: a prefix-reuse metric needs workload.prefixSharing and serving.prefixCache.enabled: true`,
      {
        file: scenario.fileName,
        fieldPath: workload?.prefixSharing === undefined ? ["workload"] : ["serving"],
      },
    );
  const options = {
    ...(workload.requests !== undefined && { requests: workload.requests }),
    seed: workload.seed,
  };
  const withReuse = simulate(scenario, options).summary;
  const { prefixSharing: _dropped, ...rest } = workload;
  const without: Scenario = {
    ...scenario,
    workload: rest,
    serving: { ...serving, prefixCache: { ...serving.prefixCache, enabled: false } },
  };
  return { withReuse, withoutReuse: simulate(without, options).summary };
}
