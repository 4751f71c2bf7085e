/**
 * Composition of one layer's items (operators and collectives of one microbatch on one rank)
 * into the layer's time, with or without microbatch overlap.
 *
 * Without overlap the items run one after another: layer = Σ items.
 * With M microbatches on S streams (CloudMatrix-Infer: attention stream vs MoE stream; DeepSeek /
 * SGLang two-batch overlap: compute vs communication), each stream runs its groups for every
 * microbatch while the other streams work on the other microbatch. Each stream computes on its
 * share of the cores, and all streams draw on the one memory bandwidth, shared by demand over time
 * (`stream-contention.ts`); t_s is when stream s finishes its microbatch with the others running:
 *   layer = M × max_s(t_s) + M × Σ items on no stream,
 * and the pipeline fills once per step with the streams alone: fill = Σ_s a_s − max_s a_s.
 */
import type { OperatorGroup, StreamProfile } from "../deploy/stream-profiles.ts";
import type { StepItem } from "./step-operators.ts";
import { composeScheduled } from "./step-schedule.ts";
import { runConcurrentStreams } from "./stream-contention.ts";

export interface StreamTiming {
  readonly name: string;
  readonly computeShare: number;
  readonly groups: readonly OperatorGroup[];
  /** Per microbatch, with the other streams running (memory bandwidth shared by demand). */
  readonly timeS: number;
  /** Per microbatch, the stream alone on the device (all the memory bandwidth available). */
  readonly aloneS: number;
}

export interface LayerTiming {
  /** Items of one microbatch, each timed on the stream (share) it runs on. */
  readonly items: readonly StepItem[];
  readonly microbatches: number;
  /** Streams when overlapped (per microbatch times). */
  readonly streams?: readonly StreamTiming[];
  /** Per microbatch time of items outside every stream. */
  readonly serialS: number;
  /** One layer, all microbatches. */
  readonly layerS: number;
  /** One-off pipeline fill this layer kind adds to a step when overlapped. */
  readonly fillS: number;
  /** Per group: time per layer summed over microbatches (for breakdowns). */
  readonly byGroup: Readonly<Partial<Record<OperatorGroup, number>>>;
}

/**
 * Composes a layer from its items. `itemsFor(share)` returns the items of one microbatch timed on
 * that share of the device (called once per stream, plus once at share 1 for serial items).
 * @example composeLayer((share) => items, undefined).layerS // Σ item times
 */
export function composeLayer(
  itemsFor: (share: number) => readonly StepItem[],
  overlap: { readonly microbatches: number; readonly profile: StreamProfile } | undefined,
): LayerTiming {
  if (overlap === undefined) {
    const items = itemsFor(1);
    let total = 0;
    const byGroup: Partial<Record<OperatorGroup, number>> = {};
    for (const item of items) {
      total += item.timeS;
      byGroup[item.group] = (byGroup[item.group] ?? 0) + item.timeS;
    }
    return { items, microbatches: 1, serialS: total, layerS: total, fillS: 0, byGroup };
  }
  const schedule = overlap.profile.schedule;
  // A windowed schedule (DeepSeek's two-batch overlap) when the engine runs that many microbatches.
  if (schedule !== undefined && schedule.microbatches === overlap.microbatches)
    return composeScheduled(itemsFor, overlap.profile, schedule);
  const m = overlap.microbatches;
  const streamOf = new Map<OperatorGroup, number>();
  overlap.profile.streams.forEach((s, i) => {
    for (const g of s.groups) streamOf.set(g, i);
  });
  const full = itemsFor(1);
  const fixedShares = overlap.profile.streams.map((s) => s.computeShare.value);
  const adaptive = overlap.profile.adaptiveSplit;
  let best = overlapAt(full, fixedShares, streamOf, itemsFor);
  if (adaptive !== undefined && fixedShares.length === 2) {
    // The engine re-balances the core split between the two streams (arXiv:2506.12708v2 §4.2.3):
    // the split, in whole cores, that gives the shortest microbatch. The stream-0 time falls and
    // the stream-1 time rises with stream 0's cores, so bisect on which stream is longer.
    const units = adaptive.units;
    const at = (k: number) => overlapAt(full, [k / units, 1 - k / units], streamOf, itemsFor);
    let lo = 1;
    let hi = units - 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const r = at(mid);
      if ((r.finish[0] ?? 0) > (r.finish[1] ?? 0)) lo = mid;
      else hi = mid;
    }
    for (const k of [lo, hi]) {
      const r = at(k);
      if (r.makespanS < best.makespanS) best = r;
    }
  }
  const byGroup: Partial<Record<OperatorGroup, number>> = {};
  for (const item of best.items) byGroup[item.group] = (byGroup[item.group] ?? 0) + m * item.timeS;
  const longestAlone = Math.max(...best.alone);
  const sumAlone = best.alone.reduce((a, b) => a + b, 0);
  const streams: StreamTiming[] = overlap.profile.streams.map((s, i) => ({
    name: s.name,
    computeShare: best.shares[i] ?? s.computeShare.value,
    groups: s.groups,
    timeS: best.finish[i] ?? 0,
    aloneS: best.alone[i] ?? 0,
  }));
  return {
    items: best.items,
    microbatches: m,
    streams,
    serialS: best.serialS,
    layerS: m * best.makespanS + m * best.serialS,
    fillS: sumAlone - longestAlone,
    byGroup,
  };
}

interface OverlapRun {
  readonly shares: readonly number[];
  readonly items: readonly StepItem[];
  readonly serialS: number;
  readonly finish: readonly number[];
  readonly alone: readonly number[];
  readonly makespanS: number;
}

/** One microbatch of the streams run together at the given core shares. */
function overlapAt(
  full: readonly StepItem[],
  shares: readonly number[],
  streamOf: ReadonlyMap<OperatorGroup, number>,
  itemsFor: (share: number) => readonly StepItem[],
): OverlapRun {
  const perShare = shares.map((share) => itemsFor(share));
  const items: StepItem[] = [];
  const streamItems: StepItem[][] = shares.map(() => []);
  let serialS = 0;
  full.forEach((item, index) => {
    const streamIndex = streamOf.get(item.group);
    const timed = streamIndex === undefined ? item : (perShare[streamIndex]?.[index] ?? item);
    items.push(timed);
    if (streamIndex === undefined) serialS += timed.timeS;
    else streamItems[streamIndex]?.push(timed);
  });
  const run = runConcurrentStreams(streamItems);
  return { shares, items, serialS, finish: run.finishS, alone: run.aloneS, makespanS: run.makespanS };
}
