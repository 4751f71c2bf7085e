/**
 * Piscina worker thread of a sweep: runs a batch of points (one message per batch keeps the
 * pool's per-task cost small against a millisecond-scale estimate). Also an esbuild entry point
 * (dist/sweep-thread.js) so the built CLI can start it.
 */
import { runSweepTask, type SweepOutcome, type SweepTask } from "./sweep-task.ts";

export default function runBatch(tasks: readonly SweepTask[]): SweepOutcome[] {
  return tasks.map(runSweepTask);
}
