/**
 * The figures a search point is made of, from a resolved candidate: the step model's decode
 * estimate (disaggregated decode, or plain colocated), or the steady state of a colocated
 * instance that chunks prefill into its iterations (`chunked-step.ts`).
 */
import type { Scenario } from "../deploy/index.ts";
import { type Estimate, estimate, memoryPerChip, type StepActivity, type StepBound } from "../perf/index.ts";
import { chunkedColocatedPoint, type RequestShape } from "./chunked-step.ts";
import { assertKvFits } from "./kv-fit.ts";

export type Figures =
  | {
      readonly tpotS: number;
      readonly ttftS?: number;
      readonly stepS: number;
      readonly tokensPerSPerChip: number;
      readonly memoryBytes: number;
      readonly timeByBound: Readonly<Record<StepBound, number>>;
      readonly activity?: StepActivity;
      readonly chunkTokensPerChip?: number;
    }
  | undefined;

/** The decode estimate of a candidate (TTFT: the fixed prefill pool's when given). */
export function decodeFigures(
  scenario: Scenario,
  fixedTtftS: number | undefined,
  kvShape?: RequestShape,
): Figures {
  const plan = scenario.deployment.decode ?? scenario.deployment.colocated;
  // The batch must hold its KV at full length in the simulator's cache (kv-fit.ts); refused before
  // the step is timed, as the memory check refuses.
  if (kvShape !== undefined && plan !== undefined && plan.batchPerChip !== undefined)
    assertKvFits(scenario, plan, memoryPerChip(scenario, plan), kvShape);
  const result: Estimate = estimate(scenario);
  const decode = result.decode;
  if (decode === undefined) return undefined;
  const ttftS = fixedTtftS ?? result.ttftS;
  return {
    tpotS: decode.tpotS,
    ...(ttftS !== undefined ? { ttftS } : {}),
    stepS: decode.step.stepS,
    tokensPerSPerChip: decode.tokensPerSPerChip,
    memoryBytes: decode.memory.totalBytes,
    timeByBound: decode.step.timeByBound,
    ...(decode.step.activity !== undefined ? { activity: decode.step.activity } : {}),
  };
}

/** The chunked colocated steady state of a candidate; throws when it does not fit. */
export function chunkedFigures(scenario: Scenario, shape: RequestShape): Figures {
  const plan = scenario.deployment.colocated;
  if (plan === undefined) return undefined;
  const memory = memoryPerChip(scenario, plan); // throws when it does not fit
  assertKvFits(scenario, plan, memory, shape);
  const p = chunkedColocatedPoint(scenario, plan, shape);
  return {
    tpotS: p.tpotS,
    ttftS: p.ttftS,
    stepS: p.stepS,
    tokensPerSPerChip: p.tokensPerSPerChip,
    memoryBytes: memory.totalBytes,
    timeByBound: p.timeByBound,
    ...(p.activity !== undefined ? { activity: p.activity } : {}),
    chunkTokensPerChip: p.chunkTokensPerChip,
  };
}
