/**
 * The decode operating point at a TPOT SLO: the largest batch per chip whose TPOT meets the SLO
 * and whose memory fits, found by bisection over `deployment.decode.batchPerChip` (TPOT and memory
 * grow with the batch). Everything else in the scenario stays as written.
 */
import { parseScenario, type Scenario, type ScenarioCatalog } from "../deploy/index.ts";
import { type Estimate, estimate } from "../perf/index.ts";
import { isSupernodeError, parseOverride, type ScenarioOverride } from "../spec/index.ts";

export interface SloOperatingPoint {
  readonly batchPerChip: number;
  readonly scenario: Scenario;
  readonly estimate: Estimate;
}

/**
 * @example decodeAtTpotSlo(text, "gb200.yaml", 0.05)?.batchPerChip
 * @returns undefined when even batch 1 misses the SLO or does not fit
 */
export function decodeAtTpotSlo(
  text: string,
  fileName: string,
  sloS: number,
  options: {
    readonly catalog?: ScenarioCatalog;
    readonly overrides?: readonly ScenarioOverride[];
    readonly maxBatch?: number;
  } = {},
): SloOperatingPoint | undefined {
  const at = (batch: number): SloOperatingPoint | undefined => {
    try {
      const scenario = parseScenario(text, fileName, options.catalog, {
        overrides: [...(options.overrides ?? []), parseOverride(`deployment.decode.batchPerChip=${batch}`)],
      });
      if (scenario.deployment.decode === undefined) return undefined;
      const e = estimate(scenario);
      return (e.tpotS ?? Number.POSITIVE_INFINITY) <= sloS
        ? { batchPerChip: batch, scenario, estimate: e }
        : undefined;
    } catch (error) {
      // A batch that does not fit or does not divide is not an operating point.
      if (isSupernodeError(error) && error.kind === "infeasible") return undefined;
      throw error;
    }
  };
  // Batches in steps of the ranks per chip, so sequences divide over the ranks (2 dies per 910C).
  const base = parseScenario(text, fileName, options.catalog, { overrides: options.overrides ?? [] });
  const step = base.deployment.decode?.ranksPerChip ?? 1;
  let best = at(step);
  if (best === undefined) return undefined;
  let lo = 1;
  let hi = Math.floor((options.maxBatch ?? 2048) / step);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const point = at(mid * step);
    if (point !== undefined) {
      best = point;
      lo = mid;
    } else hi = mid;
  }
  const top = at(hi * step);
  return top ?? best;
}
