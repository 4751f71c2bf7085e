/**
 * Runs a sweep's remaining points and writes their records: on the local thread pool, or through
 * a Redis queue (sweep-redis.ts). Either way the records stream to the results file as points
 * finish and the file is sorted by point id at the end.
 */
import { availableParallelism } from "node:os";
import { type SweepPoint, type SweepRecord, sweepRecord } from "@supernode/core";
import { runOnPool, sweepPool } from "./sweep-pool.ts";
import type { SweepSetup } from "./sweep-setup.ts";
import { sweepTask } from "./sweep-setup.ts";
import type { SweepOutcome } from "./sweep-task.ts";

/** Takes finished points' records (a pool batch's, in point order). */
export type RecordSink = (records: readonly SweepRecord[]) => void;

/** Points per pool message: enough to hide the message cost of a ms-scale estimate or training step, few enough to balance. */
export function batchSize(command: string, points: number, threads: number): number {
  if (command !== "estimate" && command !== "train") return 1;
  return Math.max(1, Math.min(64, Math.ceil(points / (threads * 8))));
}

/** Runs `todo` on `threads` local worker threads (default: all cores). */
export async function runLocalSweep(
  setup: SweepSetup,
  todo: readonly SweepPoint[],
  onRecord: RecordSink,
  threads = availableParallelism(),
): Promise<void> {
  if (todo.length === 0) return;
  const pool = sweepPool(threads);
  try {
    const tasks = todo.map((p) => sweepTask(setup, p));
    await runOnPool(pool, tasks, batchSize(setup.plan.command, todo.length, threads), (start, outcomes) =>
      onRecord(outcomes.map((outcome, i) => recordOf(setup, todo[start + i] as SweepPoint, outcome))),
    );
  } finally {
    await pool.destroy();
  }
}

/** A point's record from its outcome. */
export function recordOf(setup: SweepSetup, point: SweepPoint, outcome: SweepOutcome): SweepRecord {
  return sweepRecord(point, setup.planHash, setup.version, outcome);
}
