/**
 * Device time of an engine's sampler with top-p over one step's logits (data/engines/<name>.yaml
 * `sampler`): vLLM's PyTorch path sorts the whole vocabulary of every row (`torch-sort`), FlashInfer's
 * kernels sample without sorting (`flashinfer`). Two parts, each from kernel benchmarks:
 * - the top-p path, measured per chip: a chip with its own measurement uses it; another chip takes
 *   the measured chip nearest in FP32 vector throughput and scales by that throughput (derived from
 *   two chips: vLLM's sort runs at B200 / H200 = 1.07–1.16× although HBM differs 1.6×, FP32 1.12×);
 * - the rest of the sampling call (float32 copy, temperature, final softmax, exponential draw,
 *   argmax): streaming passes, scaled by HBM bandwidth from the one chip measured (assumption).
 * Both are interpolated linearly in the rows between measured batches and scaled linearly in the
 * vocabulary. Outside a chip's measured batches the shape of the chip measured there is used,
 * anchored at the nearest measured batch; outside every measurement, time per row of the end point.
 */
import type { EngineSampler, SamplerCurve } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";

/** The chip figures the sampler's time scales by (per chip, as in its catalog file). */
export interface SamplerChip {
  readonly id: string;
  readonly fp32FlopsPerS?: number;
  readonly bandwidthBytesPerS: number;
}

/** The sampler's time (s) for one step, by part. */
export interface SamplerTime {
  readonly topPS: number;
  readonly restS: number;
  /** The chip whose top-p measurement was used and the throughput factor applied to it. */
  readonly measuredOn: string;
  readonly scale: number;
}

/**
 * Seconds the sampler takes for `rows` rows of `vocab` logits on `chip`.
 * @example samplerTimeS(vllmSampler, 128, 131072, { id: "b200", fp32FlopsPerS: 75e12, bandwidthBytesPerS: 7.7e12 }).topPS // 2.318e-3
 */
export function samplerTimeS(
  sampler: EngineSampler,
  rows: number,
  vocab: number,
  chip: SamplerChip,
): SamplerTime {
  const { curve, scale } = nearestMeasurement(sampler.measurements, chip);
  if (rows <= 0) return { topPS: 0, restS: 0, measuredOn: curve.chipId, scale };
  const topPS = perVocabAt(curve, rows, sampler.measurements) * vocab * scale;
  const rest = sampler.rest;
  const restS =
    rest === undefined
      ? 0
      : perVocabAt(rest, rows, [rest]) * vocab * (rest.bandwidthBytesPerS / chip.bandwidthBytesPerS);
  return { topPS, restS, measuredOn: curve.chipId, scale };
}

/** The chip's own measurement, else the one nearest in FP32 throughput, with the factor to apply. */
function nearestMeasurement(
  measurements: readonly SamplerCurve[],
  chip: SamplerChip,
): { readonly curve: SamplerCurve; readonly scale: number } {
  const own = measurements.find((m) => m.chipId === chip.id);
  if (own !== undefined) return { curve: own, scale: 1 };
  const target = chip.fp32FlopsPerS;
  if (target === undefined)
    throw new SupernodeError(
      "invalid-value",
      `data/chips/${chip.id}.yaml lists no peakTflops.fp32: the engine's top-p sampler is timed on ${measurements.map((m) => m.chipId).join(", ")} and scaled to other chips by FP32 vector throughput`,
      { fieldPath: ["engine", "sampling"] },
    );
  let best: { curve: SamplerCurve; scale: number; distance: number } | undefined;
  for (const m of measurements) {
    if (m.fp32FlopsPerS === undefined) continue;
    const distance = Math.abs(Math.log(target / m.fp32FlopsPerS));
    if (best === undefined || distance < best.distance)
      best = { curve: m, scale: m.fp32FlopsPerS / target, distance };
  }
  if (best === undefined)
    throw new SupernodeError(
      "invalid-value",
      `no chip the engine's top-p sampler was measured on (${measurements.map((m) => m.chipId).join(", ")}) lists peakTflops.fp32 in data/chips/`,
      { fieldPath: ["engine", "sampling"] },
    );
  return { curve: best.curve, scale: best.scale };
}

type Point = SamplerCurve["points"][number];
const perVocab = (p: Point) => p.timeS / p.vocab;

/** Seconds per vocabulary entry at `rows` on the curve's chip. */
function perVocabAt(curve: SamplerCurve, rows: number, all: readonly SamplerCurve[]): number {
  const inside = within(curve.points, rows);
  if (inside !== undefined) return inside;
  const first = curve.points[0];
  const last = curve.points[curve.points.length - 1];
  if (first === undefined || last === undefined) return 0;
  const end = rows < first.batch ? first : last;
  // The widest measurement covering `rows` gives the shape, anchored at this chip's end point.
  let shape: SamplerCurve | undefined;
  for (const c of all) {
    const lo = c.points[0]?.batch ?? Number.POSITIVE_INFINITY;
    const hi = c.points[c.points.length - 1]?.batch ?? 0;
    if (c === curve || rows < lo || rows > hi || end.batch < lo || end.batch > hi) continue;
    if (shape === undefined || hi - lo > spanOf(shape)) shape = c;
  }
  if (shape !== undefined) {
    const atRows = within(shape.points, rows) ?? 0;
    const atEnd = within(shape.points, end.batch) ?? 0;
    if (atEnd > 0) return (atRows * perVocab(end)) / atEnd;
  }
  return (perVocab(end) * rows) / end.batch;
}

function spanOf(c: SamplerCurve): number {
  return (c.points[c.points.length - 1]?.batch ?? 0) - (c.points[0]?.batch ?? 0);
}

/** Piecewise-linear value per vocabulary entry inside the measured batches, else undefined. */
function within(points: readonly Point[], rows: number): number | undefined {
  for (let i = 0; i < points.length; i++) {
    const hi = points[i];
    if (hi === undefined || hi.batch < rows) continue;
    if (hi.batch === rows) return perVocab(hi);
    const lo = points[i - 1];
    if (lo === undefined) return undefined;
    const f = (rows - lo.batch) / (hi.batch - lo.batch);
    return perVocab(lo) + f * (perVocab(hi) - perVocab(lo));
  }
  return undefined;
}
