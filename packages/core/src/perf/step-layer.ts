/**
 * Composition of one layer's items (operators and collectives of one microbatch on one rank)
 * into the layer's time, with or without microbatch overlap.
 *
 * Without overlap the items run one after another: layer = Σ items.
 * With M microbatches on S streams (CloudMatrix-Infer: attention stream vs MoE stream; DeepSeek /
 * SGLang two-batch overlap: compute vs communication), each stream runs its groups for every
 * microbatch while the other streams work on the other microbatch:
 *   layer = M × max_s(Σ items of stream s) + M × Σ items on no stream,
 * and the pipeline fills once per step: fill = Σ_s t_s − max_s t_s. Each stream's items are timed
 * on its share of the device (see `step-operators.ts`).
 */
import type { OperatorGroup, StreamProfile } from "../deploy/stream-profiles.ts";
import type { StepItem } from "./step-operators.ts";

export interface StreamTiming {
  readonly name: string;
  readonly computeShare: number;
  readonly groups: readonly OperatorGroup[];
  /** Per microbatch. */
  readonly timeS: number;
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
  const m = overlap.microbatches;
  const streamOf = new Map<OperatorGroup, number>();
  overlap.profile.streams.forEach((s, i) => {
    for (const g of s.groups) streamOf.set(g, i);
  });
  const full = itemsFor(1);
  const perShare = overlap.profile.streams.map((s) => itemsFor(s.computeShare.value));
  const items: StepItem[] = [];
  const streamTimes = overlap.profile.streams.map(() => 0);
  let serialS = 0;
  const byGroup: Partial<Record<OperatorGroup, number>> = {};
  full.forEach((item, index) => {
    const streamIndex = streamOf.get(item.group);
    const timed = streamIndex === undefined ? item : (perShare[streamIndex]?.[index] ?? item);
    items.push(timed);
    if (streamIndex === undefined) serialS += timed.timeS;
    else streamTimes[streamIndex] = (streamTimes[streamIndex] ?? 0) + timed.timeS;
    byGroup[timed.group] = (byGroup[timed.group] ?? 0) + m * timed.timeS;
  });
  const longest = Math.max(...streamTimes);
  const sum = streamTimes.reduce((a, b) => a + b, 0);
  const streams: StreamTiming[] = overlap.profile.streams.map((s, i) => ({
    name: s.name,
    computeShare: s.computeShare.value,
    groups: s.groups,
    timeS: streamTimes[i] ?? 0,
  }));
  return {
    items,
    microbatches: m,
    streams,
    serialS,
    layerS: m * longest + m * serialS,
    fillS: sum - longest,
    byGroup,
  };
}
