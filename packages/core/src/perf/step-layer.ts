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
import type { OperatorGroup, StreamProfile } from "../deploy/index.ts";
import type { Operator } from "../model/index.ts";
import { operatorGroup, type SharedDevice, type StepItem, timeOperator } from "./step-operators.ts";
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
 * One microbatch's items of a layer, each timed on demand on a share of the device: an overlapped
 * layer needs a stream's items only at that stream's share, and the adaptive split asks for the
 * same shares again.
 */
export interface LayerItems {
  /** The group of each item, in order. */
  readonly groups: readonly OperatorGroup[];
  /** Item `index` timed on `share` of the device (the same object when asked again). */
  item(index: number, share: number): StepItem;
}

/**
 * The items of a layer: its operators timed on `device(share)`, then its fabric items
 * (collectives, the same at every share). Each operator is timed at most once per share.
 * @example composeLayer(operatorItems(ops, comm, (share) => sharedDevice(ctx, share)), plan.overlap)
 */
export function operatorItems(
  ops: readonly Operator[],
  fabric: readonly StepItem[],
  device: (share: number) => SharedDevice,
): LayerItems {
  const byShare = new Map<number, StepItem[]>();
  const groups: OperatorGroup[] = [];
  for (const op of ops) groups.push(operatorGroup(op));
  for (const item of fabric) groups.push(item.group);
  return {
    groups,
    item(index, share) {
      if (index >= ops.length) return fabric[index - ops.length] as StepItem;
      let timed = byShare.get(share);
      if (timed === undefined) {
        timed = [];
        byShare.set(share, timed);
      }
      let item = timed[index];
      if (item === undefined) {
        item = timeOperator(ops[index] as Operator, device(share));
        timed[index] = item;
      }
      return item;
    },
  };
}

/** `LayerItems` of a function giving every item at a share (called once per share). */
export function itemsAtShare(itemsFor: (share: number) => readonly StepItem[]): LayerItems {
  const byShare = new Map<number, readonly StepItem[]>();
  const at = (share: number) => {
    let items = byShare.get(share);
    if (items === undefined) {
      items = itemsFor(share);
      byShare.set(share, items);
    }
    return items;
  };
  const groups: OperatorGroup[] = [];
  for (const item of at(1)) groups.push(item.group);
  return {
    groups,
    item: (index, share) => at(share)[index] as StepItem,
  };
}

/** Every item at one share. */
export function itemsAt(items: LayerItems, share: number): StepItem[] {
  const out: StepItem[] = [];
  for (let index = 0; index < items.groups.length; index++) out.push(items.item(index, share));
  return out;
}

/**
 * Composes a layer from its items: `LayerItems`, or `itemsFor(share)` giving the items of one
 * microbatch timed on that share of the device.
 * @example composeLayer((share) => items, undefined).layerS // Σ item times
 */
export function composeLayer(
  layerItems: LayerItems | ((share: number) => readonly StepItem[]),
  overlap: { readonly microbatches: number; readonly profile: StreamProfile } | undefined,
): LayerTiming {
  const source = typeof layerItems === "function" ? itemsAtShare(layerItems) : layerItems;
  if (overlap === undefined) {
    const items = itemsAt(source, 1);
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
    return composeScheduled(source, overlap.profile, schedule);
  const m = overlap.microbatches;
  const streamOf = new Map<OperatorGroup, number>();
  overlap.profile.streams.forEach((s, i) => {
    for (const g of s.groups) streamOf.set(g, i);
  });
  const fixedShares: number[] = [];
  for (const s of overlap.profile.streams) fixedShares.push(s.computeShare.value);
  const adaptive = overlap.profile.adaptiveSplit;
  let best = overlapAt(source, fixedShares, streamOf);
  if (adaptive !== undefined && fixedShares.length === 2) {
    // The engine re-balances the core split between the two streams (arXiv:2506.12708v2 §4.2.3):
    // the split, in whole cores, that gives the shortest microbatch. The stream-0 time falls and
    // the stream-1 time rises with stream 0's cores, so bisect on which stream is longer.
    const units = adaptive.units;
    const runs = new Map<number, OverlapRun>(); // the bisection's splits are asked for again below
    const at = (k: number) => {
      let run = runs.get(k);
      if (run === undefined) {
        run = overlapAt(source, [k / units, 1 - k / units], streamOf);
        runs.set(k, run);
      }
      return run;
    };
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
  source: LayerItems,
  shares: readonly number[],
  streamOf: ReadonlyMap<OperatorGroup, number>,
): OverlapRun {
  const items: StepItem[] = [];
  const streamItems: StepItem[][] = [];
  for (let s = 0; s < shares.length; s++) streamItems.push([]);
  let serialS = 0;
  source.groups.forEach((group, index) => {
    const streamIndex = streamOf.get(group);
    const timed = source.item(index, streamIndex === undefined ? 1 : (shares[streamIndex] ?? 1));
    items.push(timed);
    if (streamIndex === undefined) serialS += timed.timeS;
    else streamItems[streamIndex]?.push(timed);
  });
  const run = runConcurrentStreams(streamItems);
  return { shares, items, serialS, finish: run.finishS, alone: run.aloneS, makespanS: run.makespanS };
}
