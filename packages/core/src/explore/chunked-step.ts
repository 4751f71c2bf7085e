/**
 * Colocated serving with chunked prefill, at steady state (Sarathi-Serve's operating point, as
 * vLLM and SGLang run it): every iteration of a colocated instance runs its decoding sequences'
 * next token and a chunk of waiting prompts in one pass over the weights. Rate matching sets the
 * chunk: each iteration must admit as many prompt tokens as the tokens it emits need
 * (input ÷ output tokens per request), so the chunk per chip is batch × tokens per step ×
 * input / output. The iteration is the step model's mixed step (as `instancePerformance`'s
 * `mixedStepS`: the union of tokens as one prefill pass, plus what the decoding sequences'
 * attention over their own KV caches adds, and the engine's host time, perf/host-time.ts); TPOT is that step over the tokens per step; TTFT is
 * the iterations a prompt takes at its attention-DP group's share of the chunk, without queueing.
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";
import {
  hostTiming,
  instanceStepTime,
  type RequestShape,
  type StepActivity,
  type StepBound,
  stepContext,
} from "../perf/index.ts";

/** Mean request shape of the workload the search serves (perf/workload-shape.ts). */
export type { RequestShape };

export interface ChunkedPoint {
  readonly stepS: number;
  readonly tpotS: number;
  readonly ttftS: number;
  readonly tokensPerSPerChip: number;
  /** Prompt tokens per chip in each iteration. */
  readonly chunkTokensPerChip: number;
  readonly timeByBound: Readonly<Record<StepBound, number>>;
  readonly activity?: StepActivity;
}

/**
 * Prompt tokens per chip per iteration that keep up with the decode rate.
 * @example chunkPerChip(16, 1, { inputTokens: 32768, outputTokens: 1024 }) // 512
 */
export function chunkPerChip(batchPerChip: number, tokensPerStep: number, shape: RequestShape): number {
  return (batchPerChip * tokensPerStep * shape.inputTokens) / shape.outputTokens;
}

/**
 * The steady-state iteration of a colocated plan that chunks prefill into its decode steps.
 * @example chunkedColocatedPoint(scenario, scenario.deployment.colocated!, { inputTokens: 32768, outputTokens: 1024 }).tpotS
 */
export function chunkedColocatedPoint(
  scenario: Scenario,
  plan: InstancePlan,
  shape: RequestShape,
): ChunkedPoint {
  const ctx = stepContext(scenario, plan);
  const chips = plan.chipsPerInstance;
  const batch = plan.batchPerChip ?? 0;
  const tokensPerStep = plan.mtp?.tokensPerStep ?? 1;
  const decodeTokensPerSeq = 1 + (plan.mtp?.draftTokens ?? 0);
  const sequences = batch * chips;
  const kvTokens = sequences * (plan.kvLength ?? 0);
  const chunk = chunkPerChip(batch, tokensPerStep, shape);
  const chunkTokens = chunk * chips;
  // One chunk per attention-DP group, each at a mean position half-way through its prompt.
  const groups = plan.attention.dp;
  const perGroup = chunkTokens / groups;
  const isl = shape.inputTokens;
  const decodeTokens = sequences * decodeTokensPerSeq;
  const union = instanceStepTime(ctx, {
    phase: "prefill",
    sequences: sequences + groups,
    newTokens: chunkTokens + decodeTokens,
    attendedTokenPairs: (chunkTokens * (isl + 1)) / 2 + decodeTokens,
    contextTokens: groups * Math.max(0, (isl - perGroup) / 2),
  });
  const withKv = instanceStepTime(ctx, { phase: "decode", sequences, kvTokens }).stepS;
  const noKv = instanceStepTime(ctx, { phase: "decode", sequences, kvTokens: 0 }).stepS;
  const kvPart = Math.max(0, withKv - noKv);
  // The engine's host time of the iteration (all its sequences and chunks), as mixedStepS does.
  const host = hostTiming(scenario, plan, sequences + groups, union.stepS + kvPart, "mixed");
  const stepS = union.stepS + kvPart + host.addedS;
  const timeByBound = {
    ...union.timeByBound,
    memory: union.timeByBound.memory + kvPart,
    overhead: union.timeByBound.overhead + host.addedS,
  };
  // The KV reads of the decode sequences stream HBM (memory-bound time, no tensor-core work).
  const a = union.activity;
  const activity =
    a === undefined
      ? undefined
      : { ...a, memory: { ...a.memory, timeS: a.memory.timeS + kvPart, memoryS: a.memory.memoryS + kvPart } };
  return {
    stepS,
    tpotS: stepS / tokensPerStep,
    ttftS: Math.max(1, isl / perGroup) * stepS,
    tokensPerSPerChip: (batch * tokensPerStep) / stepS,
    chunkTokensPerChip: chunk,
    timeByBound,
    ...(activity !== undefined ? { activity } : {}),
  };
}
