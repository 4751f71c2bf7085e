/**
 * Piscina worker thread of a sweep: runs a batch of points (one message per batch keeps the
 * pool's per-task cost small against a millisecond-scale estimate; the batch carries the base
 * scenario once). Also an esbuild entry point
 * (dist/sweep-thread.js) so the built CLI can start it.
 */
import type { SweepBatch } from "./sweep-batch.ts";
import { runSweepBatch, type SweepOutcome } from "./sweep-task.ts";

export default function runBatch(batch: SweepBatch): SweepOutcome[] {
  return runSweepBatch(batch);
}
