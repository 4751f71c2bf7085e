/**
 * The offline point as a finite run (`offline.requests`: trtllm-bench `throughput`, MLPerf
 * Offline): the run's throughput at one batch, and the largest batch whose admission the engine
 * sustains, for the offline search (offline-point.ts).
 */
import type { InstancePerformance } from "./instance-performance.ts";
import { type PipelinedRunShape, pipelinedRun } from "./offline-pipelined-run.ts";
import type { OfflinePoint } from "./offline-point.ts";

/** Chips of the instance and the fixed prompt and output lengths. */
interface RunShape {
  readonly chips: number;
  readonly prompt: number;
  readonly output: number;
}

/**
 * The point as a finite run of `requests` requests queued at once: floor(N / B) generations of the
 * batch, then the N mod B left over as one generation at that batch (identical lengths keep the
 * waves apart; under attention DP `generationS` times it at its busiest group, busiest-group.ts).
 * Throughput is the run's output over its duration, as trtllm-bench reports it.
 */
export function finiteRun(
  point: OfflinePoint,
  requests: number,
  generationS: (sequences: number) => number | undefined,
  shape: RunShape,
): OfflinePoint | undefined {
  const b = point.sequencesPerInstance;
  const full = Math.floor(requests / b);
  const tail = requests - full * b;
  const tailS = tail > 0 ? generationS(tail) : 0;
  if (tailS === undefined) return undefined;
  const durationS = full * (point.prefillS + point.decodeS) + tailS;
  return withRun(point, { requests, durationS, tailSequences: tail }, shape);
}

/**
 * The point as a finite run with whole prompts (no chunked prefill): staggered admission played
 * iteration by iteration up to `maxSequences` (max_batch_size × ranks, the KV cache), see
 * offline-pipelined-run.ts. The point's batch and step stay the search's; the throughput is the run's.
 */
export function pipelinedFiniteRun(
  point: OfflinePoint,
  requests: number,
  maxSequences: number,
  perf: InstancePerformance,
  shape: RunShape & PipelinedRunShape,
): OfflinePoint {
  const { durationS, ...pipelined } = pipelinedRun(perf, requests, maxSequences, shape);
  return withRun(point, { requests, durationS, tailSequences: 0, pipelined }, shape);
}

/** The point with the run's throughput: its output (and input) over its duration, as trtllm-bench reports it. */
function withRun(point: OfflinePoint, run: NonNullable<OfflinePoint["run"]>, shape: RunShape): OfflinePoint {
  const perInstance = (run.requests * shape.output) / run.durationS;
  return {
    ...point,
    outputTokensPerSPerInstance: perInstance,
    outputTokensPerSPerChip: perInstance / shape.chips,
    inputTokensPerSPerChip: (run.requests * shape.prompt) / run.durationS / shape.chips,
    run,
  };
}

/**
 * The grid plus, for a finite run, the largest batch (a multiple of `unit`) whose admission still
 * fits in a lifetime, when that bound falls between two grid points: the run's number of waves
 * (requests / batch) depends on the exact batch, not the grid's.
 */
export function withAdmissionBound(
  grid: readonly number[],
  unit: number,
  sustained: (b: number) => boolean | undefined,
  requests: number | undefined,
): number[] {
  if (requests === undefined) return [...grid];
  const firstOver = grid.findIndex((b) => sustained(b) === false);
  if (firstOver <= 0) return [...grid];
  let lo = grid[firstOver - 1] as number;
  let hi = grid[firstOver] as number;
  if (sustained(lo) !== true) return [...grid];
  while (hi - lo > unit) {
    const mid = Math.floor((lo + hi) / 2 / unit) * unit;
    if (mid <= lo) break;
    if (sustained(mid) === true) lo = mid;
    else hi = mid;
  }
  return [...new Set([...grid, lo])].sort((a, b) => a - b);
}
