/**
 * Device time of an engine's sampler with top-p over one step's logits (data/engines/<name>.yaml
 * `sampler`): vLLM's PyTorch path sorts the whole vocabulary of every row (`torch-sort`), FlashInfer's
 * kernels sample without sorting (`flashinfer`). The time comes from a kernel benchmark on one chip:
 * interpolated linearly in the rows between measured batches (per row at the end points outside
 * them), scaled linearly in the vocabulary, and by the measured chip's HBM bandwidth over this
 * chip's (assumption: the sort's radix passes and the sampling passes stream the logits, their
 * indices and probabilities through HBM).
 */
import type { EngineSampler } from "../deploy/index.ts";

/**
 * Seconds the sampler takes for `rows` rows of `vocab` logits on a device with `bandwidthBytesPerS`.
 * @example samplerTimeS(vllmSampler, 128, 131072, 7.7e12) // 2.318e-3 when measured there
 */
export function samplerTimeS(
  sampler: EngineSampler,
  rows: number,
  vocab: number,
  bandwidthBytesPerS: number,
): number {
  const points = sampler.points;
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || rows <= 0) return 0;
  // Per row of the measured vocabulary: every point is scaled to its own vocabulary first.
  const perVocab = (p: (typeof points)[number]) => p.timeS / p.vocab;
  let atMeasured: number; // seconds per vocabulary entry for `rows` rows
  if (rows <= first.batch) atMeasured = (perVocab(first) * rows) / first.batch;
  else if (rows >= last.batch) atMeasured = (perVocab(last) * rows) / last.batch;
  else {
    let i = 1;
    while ((points[i]?.batch ?? Number.POSITIVE_INFINITY) < rows) i++;
    const lo = points[i - 1] ?? first;
    const hi = points[i] ?? last;
    const f = (rows - lo.batch) / (hi.batch - lo.batch);
    atMeasured = perVocab(lo) + f * (perVocab(hi) - perVocab(lo));
  }
  return atMeasured * vocab * (sampler.measuredBandwidthBytesPerS / bandwidthBytesPerS);
}
