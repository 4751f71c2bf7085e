/**
 * `instancePerformance(scenario, role)`: the step model behind the serving simulator's contract
 * (`instance-performance.ts`). Everything that does not depend on the batch (device, profile,
 * fabric model, memory, KV capacity) is computed once. Step times are evaluated on a grid and
 * interpolated: batch sizes exactly up to 64, then on a geometric grid (5 % apart); mean KV length
 * (decode) or mean attended context (prefill) every 256 tokens. Each grid point runs the full step
 * model once (about a millisecond) and is memoised, so a simulation of millions of iterations
 * costs a few multiplications per iteration; the interpolation error is under 1 % for decode and
 * 1.5 % for prefill in the tests (step time is nearly linear in KV length, and smooth in batch size
 * between grid points).
 */

import type { InstanceRole } from "../deploy/plan.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { kvBytesPerToken } from "../model/kv-cache.ts";
import { SupernodeError } from "../spec/errors.ts";
import type { DecodeBatch, InstancePerformance, PrefillBatch } from "./instance-performance.ts";
import { memoryPerChip } from "./step-estimate.ts";
import { stepContext, stepTime } from "./step-model.ts";

const EXACT_BELOW = 64;
const GROWTH = 1.05;
const CONTEXT_STEP = 256;

/** Grid neighbours of a batch size: exact integers up to 64, then 64 × 1.05^k; `index` numbers `lo` on the grid. */
function batchGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  if (x <= EXACT_BELOW) {
    const lo = Math.max(1, Math.floor(x));
    const hi = Math.max(1, Math.ceil(x));
    return { lo, hi, w: hi === lo ? 0 : (x - lo) / (hi - lo), index: lo };
  }
  const k = Math.floor(Math.log(x / EXACT_BELOW) / Math.log(GROWTH));
  const lo = EXACT_BELOW * GROWTH ** k;
  const hi = EXACT_BELOW * GROWTH ** (k + 1);
  return { lo, hi, w: (x - lo) / (hi - lo), index: EXACT_BELOW + 1 + k };
}

function contextGrid(x: number): { lo: number; hi: number; w: number; index: number } {
  const index = Math.floor(Math.max(0, x) / CONTEXT_STEP);
  const lo = index * CONTEXT_STEP;
  return { lo, hi: lo + CONTEXT_STEP, w: (Math.max(0, x) - lo) / CONTEXT_STEP, index };
}

/** A grid point's memo key: a whole number from the batch and context indices (no string building). */
const gridKey = (batchIndex: number, contextIndex: number): number => batchIndex * 2 ** 26 + contextIndex;

/** Bilinear interpolation of `f` over the batch × context grid (`key` identifies the grid point). */
function interpolate(
  batch: number,
  context: number,
  f: (b: number, c: number, key: number) => number,
): number {
  const b = batchGrid(batch);
  const c = contextGrid(context);
  const low =
    f(b.lo, c.lo, gridKey(b.index, c.index)) * (1 - c.w) + f(b.lo, c.hi, gridKey(b.index, c.index + 1)) * c.w;
  if (b.w === 0) return low;
  const high =
    f(b.hi, c.lo, gridKey(b.index + 1, c.index)) * (1 - c.w) +
    f(b.hi, c.hi, gridKey(b.index + 1, c.index + 1)) * c.w;
  return low * (1 - b.w) + high * b.w;
}

/**
 * The performance model of one instance of a deployment group.
 * @example const perf = instancePerformance(scenario, "decode"); perf.decodeStepS({ sequences: 15360, kvTokens: 15360 * 4096 })
 */
export function instancePerformance(scenario: Scenario, role: InstanceRole): InstancePerformance {
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
  const forKv =
    memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes - memory.activationsBytes;
  const kvCacheCapacityTokens =
    Math.max(0, Math.floor(forKv / memory.kvBytesPerTokenOnRank)) * plan.attention.dp;

  const decodeGrid = new Map<number, number>();
  const prefillGrid = new Map<number, number>();
  const decodeAt = (sequences: number, meanKv: number, key: number): number => {
    let t = decodeGrid.get(key);
    if (t === undefined) {
      t = stepTime(ctx, { phase: "decode", sequences, kvTokens: sequences * meanKv }).stepS;
      decodeGrid.set(key, t);
    }
    return t;
  };
  const prefillAt = (newTokens: number, meanContext: number, key: number): number => {
    let t = prefillGrid.get(key);
    if (t === undefined) {
      // Sequences only set how many logits are computed: one prompt per 2 × mean context tokens.
      const sequences = Math.max(1, newTokens / Math.max(1, 2 * meanContext));
      t = stepTime(ctx, {
        phase: "prefill",
        sequences,
        newTokens,
        attendedTokenPairs: newTokens * Math.max(1, meanContext),
      }).stepS;
      prefillGrid.set(key, t);
    }
    return t;
  };

  return {
    chips: plan.chipsPerInstance,
    kvCacheCapacityTokens,
    kvBytesPerToken: kvBytesPerToken(scenario.model, scenario.precision.kvCache, { includeMtp: true }),
    meanTokensPerDecodeStep: plan.mtp?.tokensPerStep ?? 1,
    decodeStepS(batch: DecodeBatch): number {
      if (batch.sequences <= 0) return 0;
      return interpolate(batch.sequences, batch.kvTokens / batch.sequences, decodeAt);
    },
    prefillStepS(batch: PrefillBatch): number {
      if (batch.newTokens <= 0) return 0;
      return interpolate(batch.newTokens, batch.attendedTokenPairs / batch.newTokens, prefillAt);
    },
  };
}
