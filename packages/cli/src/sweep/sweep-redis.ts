/**
 * Sweeps across machines through BullMQ queues on Redis. `supernode sweep --redis URL` enqueues
 * the points still to run (job id = plan hash + point id, so a point is enqueued once however often
 * the sweep restarts) and collects finished jobs into the results file, removing each once its
 * line is written; `supernode worker --redis URL` runs jobs on its local thread pool. A worker that
 * dies mid-point holds a lock that expires: BullMQ's stalled-job check puts the job back for
 * another worker, and a job completes once (the dead worker's lock token is void).
 */
import { SupernodeError, type SweepPoint } from "@supernode/core";
import { type ConnectionOptions, type Job, Queue } from "bullmq";
import type { RecordSink } from "./run-sweep.ts";
import { recordOf } from "./run-sweep.ts";
import type { SweepSetup } from "./sweep-setup.ts";
import { sweepTask } from "./sweep-setup.ts";
import type { SweepOutcome, SweepTask } from "./sweep-task.ts";

export interface SweepJobData {
  readonly plan: string;
  readonly id: string;
  readonly task: SweepTask;
}

export interface RedisOptions {
  readonly url: string;
  readonly queue: string;
  /** Seconds between polls of the finished jobs (default 0.2). */
  readonly pollS?: number;
}

/** BullMQ connection options for a `redis://` URL (workers need maxRetriesPerRequest null). */
export function redisConnection(url: string): ConnectionOptions {
  if (!/^rediss?:\/\//.test(url))
    throw new SupernodeError(
      "usage",
      `--redis expects a redis:// URL (e.g. redis://127.0.0.1:6379), got "${url}"`,
    );
  return { url, maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 200, 2000) };
}

/** Waits for Redis, failing with a clear message when it does not answer. */
export async function whenReady(client: { waitUntilReady(): Promise<unknown> }, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new SupernodeError("usage", `no Redis answers at ${url} (is redis-server running there?)`)),
      10_000,
    );
  });
  try {
    await Promise.race([client.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const jobIdOf = (plan: string, point: SweepPoint) => `${plan}-${point.id}`;

/** Enqueues `todo` and returns when every one of its points has a record. */
export async function runRedisSweep(
  setup: SweepSetup,
  todo: readonly SweepPoint[],
  onRecord: RecordSink,
  options: RedisOptions,
): Promise<void> {
  const queue = new Queue<SweepJobData, SweepOutcome>(options.queue, {
    connection: redisConnection(options.url),
  });
  try {
    await whenReady(queue, options.url);
    const pending = new Map(todo.map((p) => [jobIdOf(setup.planHash, p), p]));
    for (let i = 0; i < todo.length; i += 1000)
      await queue.addBulk(
        todo.slice(i, i + 1000).map((p) => ({
          name: "point",
          data: { plan: setup.planHash, id: p.id, task: sweepTask(setup, p) },
          opts: {
            jobId: jobIdOf(setup.planHash, p),
            attempts: 3,
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
    while (pending.size > 0) {
      const finished = (await queue.getJobs(["completed", "failed"], 0, -1, true)) as Job<
        SweepJobData,
        SweepOutcome
      >[];
      for (const job of finished) {
        if (job?.id === undefined || job.data?.plan !== setup.planHash) continue;
        const point = pending.get(job.id);
        if (point !== undefined) {
          const failed =
            job.finishedOn !== undefined && job.failedReason !== undefined && job.returnvalue == null;
          const outcome: SweepOutcome = failed
            ? { error: `worker failed: ${job.failedReason}` }
            : (job.returnvalue as SweepOutcome);
          onRecord([recordOf(setup, point, outcome)]);
          pending.delete(job.id);
        }
        // Written (now or by an earlier run of this sweep): the job has served.
        await job.remove();
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, (options.pollS ?? 0.2) * 1000));
    }
  } finally {
    await queue.close();
  }
}
