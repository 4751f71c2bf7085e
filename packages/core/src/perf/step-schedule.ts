/**
 * A layer under a windowed two-batch schedule (DeepSeek's two-batch overlap as its published
 * decode and prefill pipelines draw it, github.com/deepseek-ai/profile-data): the engine runs the
 * stages of a layer in a fixed order, each stage the compute part of one microbatch with the
 * transfers of the other microbatch behind it. A transfer can hide only behind the compute of its
 * own stage; the next stage needs its result (the experts need the dispatched tokens, the next
 * attention the combined output), so
 *
 *   layer = Σ_stages max(Σ compute segments, Σ transfer segments) + M × Σ items on no segment.
 *
 * Compute items are timed on their stream's share of the cores (DeepEP's normal kernels keep SMs
 * for communication in prefill), transfers on the fabric model; the streams draw on the HBM one at
 * a time within a stage (transfers take no memory bandwidth in the model, as in the free-running
 * streams of `stream-contention.ts`).
 */
import type { OperatorGroup, OverlapSchedule, ScheduleSegment, StreamProfile } from "../deploy/index.ts";
import type { LayerItems, LayerTiming, StreamTiming } from "./step-layer.ts";
import type { StepItem } from "./step-operators.ts";

/** True for the attention core item of a layer (main model or MTP module). */
function isAttentionCore(item: StepItem): boolean {
  return item.name.replace(/^mtp\d+\./, "") === "attn.core";
}

/**
 * The schedule segment of each item: its group, or for attention and norm items `attention-pre` /
 * `attention-post` (before / from the attention core on) when the schedule splits attention.
 */
export function scheduleSegments(items: readonly StepItem[], schedule: OverlapSchedule): ScheduleSegment[] {
  const splits = schedule.stages.some((s) =>
    [...s.compute, ...s.transfer].some((g) => g === "attention-pre" || g === "attention-post"),
  );
  const core = items.findIndex(isAttentionCore);
  const coreIndex = core < 0 ? Number.POSITIVE_INFINITY : core;
  return items.map((item, i) => {
    if (!splits || (item.group !== "attention" && item.group !== "norms")) return item.group;
    return i < coreIndex ? "attention-pre" : "attention-post";
  });
}

/**
 * Composes a layer of `schedule.microbatches` microbatches under the schedule.
 * `source` gives one microbatch's items timed on a share of the device.
 * @example composeScheduled(items, profile, profile.schedule).layerS
 */
export function composeScheduled(
  source: LayerItems,
  profile: StreamProfile,
  schedule: OverlapSchedule,
): LayerTiming {
  const m = schedule.microbatches;
  const streamOf = new Map<OperatorGroup, number>();
  profile.streams.forEach((s, i) => {
    for (const g of s.groups) streamOf.set(g, i);
  });
  const shares = profile.streams.map((s) => s.computeShare.value);
  const items = source.groups.map((group, index) => {
    const stream = streamOf.get(group);
    return source.item(index, stream === undefined ? 1 : (shares[stream] ?? 1));
  });
  const segments = scheduleSegments(items, schedule);
  const listed = new Set<ScheduleSegment>(schedule.stages.flatMap((s) => [...s.compute, ...s.transfer]));
  const segmentS = new Map<ScheduleSegment, number>();
  const alone = shares.map(() => 0);
  let serialS = 0;
  items.forEach((item, i) => {
    const seg = segments[i] as ScheduleSegment;
    if (!listed.has(seg)) {
      serialS += item.timeS;
      return;
    }
    segmentS.set(seg, (segmentS.get(seg) ?? 0) + item.timeS);
    const stream = streamOf.get(item.group);
    if (stream !== undefined) alone[stream] = (alone[stream] ?? 0) + item.timeS;
  });
  const sum = (segs: readonly ScheduleSegment[]) => segs.reduce((a, g) => a + (segmentS.get(g) ?? 0), 0);
  let stagesS = 0;
  for (const stage of schedule.stages) stagesS += Math.max(sum(stage.compute), sum(stage.transfer));

  const byGroup: Partial<Record<OperatorGroup, number>> = {};
  for (const item of items) byGroup[item.group] = (byGroup[item.group] ?? 0) + m * item.timeS;
  const streams: StreamTiming[] = profile.streams.map((s, i) => ({
    name: s.name,
    computeShare: shares[i] ?? 0,
    groups: s.groups,
    timeS: stagesS / m,
    aloneS: alone[i] ?? 0,
  }));
  const longestAlone = Math.max(...alone);
  const sumAlone = alone.reduce((a, b) => a + b, 0);
  return {
    items,
    microbatches: m,
    streams,
    serialS,
    layerS: stagesS + m * serialS,
    fillS: sumAlone - longestAlone,
    byGroup,
  };
}
