/**
 * `instancePerformance(scenario, role)`: the step model behind the serving simulator's contract
 * (`instance-performance.ts`). Everything that does not depend on the batch (device, profile,
 * fabric model, memory, KV capacity) is computed once. Step times are evaluated on a grid and
 * interpolated: batch sizes exactly up to 64, then on a geometric grid (5 % apart; prefill tokens
 * every 64 up to 8,192 first, so that tile-aligned chunks fall on grid points); mean KV length
 * (decode) or mean attended context (prefill) every 256 tokens, and (prefill) the cached context
 * read per new token at 0, 1, 2, 4, … tokens (the grid: `step-time-grid.ts`). Each grid point runs
 * the full step model once (about a millisecond) and is memoised, so a simulation of millions of
 * iterations costs a few multiplications per iteration; the interpolation error is under 1 % for decode and
 * 1.5 % for prefill in the tests (step time is nearly linear in KV length, and smooth in batch size
 * between grid points) except where a GEMM row tile (128 rows) falls between two decode points
 * (locally up to ≈ 12 %, docs/step-model.md §7): `decodeStepExactS` times a reported point at its
 * exact batch.
 */

import { type InstanceRole, type Scenario, servingKvBytesPerToken } from "../deploy/index.ts";
import { mixesPrefillWithDecode, SupernodeError } from "../spec/index.ts";
import { decodeGraphRows } from "./cuda-graph-padding.ts";
import { type IterationKind, iterationWithHostS } from "./host-time.ts";
import type { DecodeBatch, InstancePerformance, PrefillBatch } from "./instance-performance.ts";
import { instanceKvCapacityTokens } from "./kv-capacity.ts";
import { rankLocalS } from "./rank-local-work.ts";
import { memoryPerChip } from "./step-estimate.ts";
import { type StepContext, stepContext } from "./step-model.ts";
import { instanceStepTime } from "./step-pipeline.ts";
import { cachedGrid, type GridStep, interpolate, memoGrid, tokenGrid } from "./step-time-grid.ts";

/**
 * The step model's decode and prefill times on the memoised grids (batch × mean context, and for
 * prefill × cached context read per token), interpolated between grid points.
 */
function gridStepTimes(ctx: StepContext): {
  decodeS: (batch: DecodeBatch) => number;
  prefillS: (batch: PrefillBatch) => number;
  /** The rank-local part of `prefillS` (attention, norms, dense FFN, router, shared expert; rank-local-work.ts). */
  prefillLocalS: (batch: PrefillBatch) => number;
  paddedDecodeS: (batch: DecodeBatch, rows: number) => number;
  exactDecodeS: (batch: DecodeBatch, rows: number) => number;
} {
  // A decode step of `rows` graph rows, `real` of them sequences holding `kvTokens` (the rest the
  // repeated dummy request of a padded CUDA graph, cuda-graph-padding.ts).
  const graphStepS = (rows: number, real: number, kvTokens: number): number =>
    instanceStepTime(ctx, {
      phase: "decode",
      sequences: rows,
      kvTokens,
      ...(rows > real && { paddingSequences: rows - real }),
    }).stepS;
  const decodeAt = memoGrid((sequences, meanKv) => graphStepS(sequences, sequences, sequences * meanKv));
  // Each prefill grid point keeps its step time and its rank-local part (rank-local-work.ts).
  const prefillGrid = new Map<number, number>();
  const prefillLocalGrid = new Map<number, number>();
  const prefillPoint = (
    newTokens: number,
    meanContext: number,
    cachedPerToken: number,
    key: number,
  ): void => {
    // Sequences only set how many logits are computed: one prompt per 2 × mean context tokens.
    const sequences = Math.max(1, newTokens / Math.max(1, 2 * meanContext));
    const step = instanceStepTime(ctx, {
      phase: "prefill",
      sequences,
      newTokens,
      attendedTokenPairs: newTokens * Math.max(1, meanContext),
      contextTokens: newTokens * Math.min(cachedPerToken, Math.max(0, meanContext - 0.5)),
    });
    prefillGrid.set(key, step.stepS);
    prefillLocalGrid.set(key, rankLocalS(step, ctx.plan));
  };
  const gridValue =
    (grid: Map<number, number>) =>
    (newTokens: number, meanContext: number, cachedPerToken: number, key: number): number => {
      let t = grid.get(key);
      if (t === undefined) {
        prefillPoint(newTokens, meanContext, cachedPerToken, key);
        t = grid.get(key) as number;
      }
      return t;
    };
  /** Trilinear over batch × mean context × cached context read per token. */
  const prefillInterpolated =
    (value: ReturnType<typeof gridValue>) =>
    (batch: PrefillBatch): number => {
      if (batch.newTokens <= 0) return 0;
      const k = cachedGrid((batch.contextTokens ?? 0) / batch.newTokens);
      const at = (cached: number, index: number) =>
        interpolate(
          batch.newTokens,
          batch.attendedTokenPairs / batch.newTokens,
          (b, c, key) => value(b, c, cached, key * 64 + index),
          tokenGrid,
        );
      const low = at(k.lo, k.index);
      return k.w === 0 ? low : low * (1 - k.w) + at(k.hi, k.index + 1) * k.w;
    };
  const prefillS = prefillInterpolated(gridValue(prefillGrid));
  const prefillLocalS = prefillInterpolated(gridValue(prefillLocalGrid));
  const decodeS = (batch: DecodeBatch): number =>
    batch.sequences <= 0 ? 0 : interpolate(batch.sequences, batch.kvTokens / batch.sequences, decodeAt);
  // A padded CUDA graph of `rows` rows: the grid runs over the real sequences at that graph size
  // (one memo per size; the rows above the real ones are the repeated dummy request).
  const paddedGrids = new Map<number, GridStep>();
  const paddedDecodeS = (batch: DecodeBatch, rows: number): number => {
    if (batch.sequences <= 0) return 0;
    if (!(rows > batch.sequences)) return decodeS(batch);
    let at = paddedGrids.get(rows);
    if (at === undefined) {
      at = memoGrid((sequences, meanKv) => {
        const real = Math.min(sequences, rows);
        return graphStepS(rows, real, real * meanKv);
      });
      paddedGrids.set(rows, at);
    }
    return interpolate(batch.sequences, batch.kvTokens / batch.sequences, at);
  };
  // One step-model call at exactly this batch (no memo: the offline search asks once per batch).
  // The batch grid points are 5 % apart, and a step whose per-rank rows sit on a tile boundary
  // (128 rows) is interpolated towards the next point's extra tile (DeepSeek-R1 H200 ADP8 at 1,024
  // sequences: 55.8 vs 52.9 ms).
  // `rows` is `decodeGraphRows`' (never below the sequences).
  const exactDecodeS = (batch: DecodeBatch, rows: number): number =>
    batch.sequences <= 0 ? 0 : graphStepS(rows, batch.sequences, batch.kvTokens);
  return { decodeS, prefillS, prefillLocalS, paddedDecodeS, exactDecodeS };
}

/** The step model's `InstancePerformance`, plus what only the offline search asks of it. */
export interface StepInstancePerformance extends InstancePerformance {
  /**
   * Seconds for one decode iteration timed at exactly this batch (no interpolation over the batch
   * size, which straddles GEMM row tiles): one step-model call each, for the few points a report
   * names (the offline search's candidates).
   */
  decodeStepExactS(batch: DecodeBatch): number;
}

/**
 * The performance model of one instance of a deployment group.
 * @example const perf = instancePerformance(scenario, "decode"); perf.decodeStepS({ sequences: 15360, kvTokens: 15360 * 4096 })
 */
export function instancePerformance(scenario: Scenario, role: InstanceRole): StepInstancePerformance {
  const plan = scenario.deployment[role];
  if (plan === undefined) {
    const have = Object.keys(scenario.deployment).join(", ");
    throw new SupernodeError("usage", `scenario ${scenario.name} has no ${role} group (it has: ${have})`, {
      file: scenario.fileName,
      fieldPath: ["deployment"],
    });
  }
  const memory = memoryPerChip(scenario, plan).perRank; // throws when the operating point does not fit
  const ctx = stepContext(scenario, plan);
  const kvCacheCapacityTokens = instanceKvCapacityTokens(scenario, plan, memory);

  const grids = gridStepTimes(ctx);
  const { decodeS, paddedDecodeS, exactDecodeS } = grids;
  // A full-square prefill kernel (engine `nonMlaPrefillAttention`, vLLM-Ascend's PrefillNoCache)
  // runs only in an iteration of whole new prompts. A prefill with cached context takes the causal
  // kernel by the layer's own check (model/full-square-prefill.ts); a mixed iteration where the
  // scheduler mixes prefill with decode does too, and is timed on grids without the field. (Where
  // the scheduler keeps prefill apart, the offline run's mixed admission, offline-pipelined-run.ts,
  // stands for a prefill-only iteration: full square.)
  const { prefillS, prefillLocalS } = grids;
  const scheduler = scenario.serving?.scheduler;
  const unionS =
    ctx.scenario.engine?.nonMlaPrefillAttention !== undefined &&
    (scheduler === undefined || mixesPrefillWithDecode(scheduler))
      ? gridStepTimes(causalPrefillContext(ctx)).prefillS
      : prefillS;
  // Attention-DP ranks of one instance (one pipeline stage's ranks: none under pipeline parallelism,
  // whose stages the step model times on their own).
  const attentionDpRanks = plan.pipeline === undefined ? Math.max(1, plan.attention.dp) : 1;
  // What the busiest attention-DP rank's own prefill adds to an iteration: its rank-local work
  // (rank-local-work.ts) as if every rank held as much, less that work at the even split the step
  // model assumes. The experts, dispatch and combine keep the instance's tokens.
  const busiestRankExtraS = (prefill: PrefillBatch, busiest: PrefillBatch | undefined): number => {
    if (busiest === undefined || attentionDpRanks <= 1 || busiest.newTokens <= 0) return 0;
    const r = attentionDpRanks;
    const everyRank = {
      sequences: busiest.sequences * r,
      newTokens: busiest.newTokens * r,
      attendedTokenPairs: busiest.attendedTokenPairs * r,
      contextTokens: (busiest.contextTokens ?? 0) * r,
    };
    return Math.max(0, prefillLocalS(everyRank) - prefillLocalS(prefill));
  };
  const graphRows = decodeGraphRows(scenario, plan);
  // A generation-only iteration replays the padded CUDA graph: the dummy rows add GEMM rows and
  // per-token work, one expert set's rows in the MoE, and a KV cache of 1 + draft tokens each
  // (not counted) (cuda-graph-padding.ts); mixed iterations run unpadded.
  const graphDecodeS = (batch: DecodeBatch): number => paddedDecodeS(batch, graphRows(batch.sequences));
  // The engine's host time per iteration, applied once to the whole iteration (host-time.ts).
  const withHost = (sequences: number, gpuS: number, kind: IterationKind = "mixed"): number =>
    iterationWithHostS(scenario, plan, sequences, gpuS, kind);
  const decodeTokensPerSequence = 1 + (plan.mtp?.draftTokens ?? 0);
  const meanContext = plan.kvLength ?? plan.promptLength;

  return {
    chips: plan.chipsPerInstance,
    kvCacheCapacityTokens,
    kvBytesPerToken: servingKvBytesPerToken(scenario.model, scenario.precision, meanContext),
    meanTokensPerDecodeStep: plan.mtp?.tokensPerStep ?? 1,
    decodeStepS: (batch) => withHost(batch.sequences, graphDecodeS(batch), "decode"),
    decodeStepExactS: (batch) =>
      withHost(batch.sequences, exactDecodeS(batch, graphRows(batch.sequences)), "decode"),
    attentionDpRanks,
    prefillStepS: (batch, busiest) =>
      withHost(batch.sequences, prefillS(batch) + busiestRankExtraS(batch, busiest)),
    mixedStepS(prefill: PrefillBatch, decode: DecodeBatch, busiest?: PrefillBatch): number {
      const extra = busiestRankExtraS(prefill, busiest);
      if (decode.sequences <= 0) return withHost(prefill.sequences, prefillS(prefill) + extra);
      if (prefill.newTokens <= 0) return withHost(decode.sequences, graphDecodeS(decode), "decode");
      // One pass over the union of tokens (weights once, per-token work summed: each decode token
      // is a new token attending to itself), plus what the decoding sequences' attention over
      // their own KV caches adds (the decode step model's KV-dependent part, in its own form).
      const decodeTokens = decode.sequences * decodeTokensPerSequence;
      const union = unionS({
        sequences: prefill.sequences + decode.sequences,
        newTokens: prefill.newTokens + decodeTokens,
        attendedTokenPairs: prefill.attendedTokenPairs + decodeTokens,
        contextTokens: prefill.contextTokens ?? 0,
      });
      const kvPart = decodeS(decode) - decodeS({ sequences: decode.sequences, kvTokens: 0 });
      return withHost(prefill.sequences + decode.sequences, union + Math.max(0, kvPart) + extra);
    },
  };
}

/**
 * `ctx` with the engine's causal prefill kernel in place of a full-square one (`nonMlaPrefillAttention`
 * dropped): the kernel of an iteration that is not all whole new prompts.
 */
function causalPrefillContext(ctx: StepContext): StepContext {
  const engine = ctx.scenario.engine;
  if (engine?.nonMlaPrefillAttention === undefined) return ctx;
  const { nonMlaPrefillAttention: _, ...causal } = engine;
  return { ...ctx, scenario: { ...ctx.scenario, engine: causal } };
}
