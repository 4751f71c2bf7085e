/**
 * The mean request shape (prompt and output tokens) of a scenario's workload section, read without
 * simulating: what rate matching between a prefill and a decode pool needs (the disaggregated
 * figure of `estimate`, the deployment search's prefill feed).
 */
import type { Scenario } from "../deploy/index.ts";
import type { LengthDistributionSpec } from "../spec/index.ts";

/** Mean prompt (input) and output tokens of a request. */
export interface RequestShape {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * The mean prompt and output tokens of the scenario's workload; undefined without one, for a trace
 * or a histogram read from a file (its lengths are not in the document).
 * @example workloadShape(scenario) // { inputTokens: 3072, outputTokens: 2048 }
 */
export function workloadShape(scenario: Scenario): RequestShape | undefined {
  const w = scenario.workload;
  if (w === undefined || w.promptTokens === undefined || w.outputTokens === undefined) return undefined;
  const inputTokens = meanTokens(w.promptTokens);
  const outputTokens = meanTokens(w.outputTokens);
  return inputTokens !== undefined && outputTokens !== undefined ? { inputTokens, outputTokens } : undefined;
}

function meanTokens(spec: LengthDistributionSpec): number | undefined {
  switch (spec.kind) {
    case "fixed":
      return spec.tokens;
    case "uniform":
      return (spec.minTokens + spec.maxTokens) / 2;
    case "normal":
    case "lognormal":
      return spec.meanTokens; // before clamping to [min, max]
    case "histogram": {
      if (spec.bins === undefined) return undefined;
      let weight = 0;
      let sum = 0;
      for (const b of spec.bins) {
        weight += b.weight;
        sum += b.weight * b.tokens;
      }
      return weight > 0 ? sum / weight : undefined;
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown length distribution ${JSON.stringify(unreachable)}`);
    }
  }
}
