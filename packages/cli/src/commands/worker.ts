/**
 * `supernode worker --redis URL [--queue name] [--threads N] [--lock-s S]`: processes sweep points
 * from a Redis queue (BullMQ) on this machine's cores until stopped (Ctrl-C / SIGTERM finish the
 * points in hand). Start one per machine; see docs/sweeps.md.
 */
import { availableParallelism } from "node:os";
import { SupernodeError } from "@supernode/core";
import { Worker } from "bullmq";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { sweepBatch } from "../sweep/sweep-batch.ts";
import { sweepPool } from "../sweep/sweep-pool.ts";
import { redisConnection, type SweepJobData, whenReady } from "../sweep/sweep-redis.ts";
import type { SweepOutcome } from "../sweep/sweep-task.ts";

interface WorkerFlags {
  redis: string;
  queue: string;
  threads?: string;
  lockS: string;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new SupernodeError("usage", `${flag} expects a number > 0, got "${text}"`);
  return n;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("worker")
    .description("process sweep points from a Redis queue (supernode sweep --redis) on all cores")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://10.0.0.5:6379")
    .option("--queue <name>", "queue name on Redis", "supernode-sweep")
    .option("--threads <n>", "points run at once (default: all cores)")
    .option("--lock-s <seconds>", "a point whose worker is silent this long goes back to the queue", "30")
    .action(async (flags: WorkerFlags) => {
      const threads = Math.round(positive(flags.threads, "--threads") ?? availableParallelism());
      const lockMs = Math.round((positive(flags.lockS, "--lock-s") as number) * 1000);
      const pool = sweepPool(threads);
      // Points run on the pool's threads: this thread stays free to renew the jobs' locks.
      const worker = new Worker<SweepJobData, SweepOutcome>(
        flags.queue,
        async (job) => (await pool.run(sweepBatch([job.data.task])))[0] as SweepOutcome,
        {
          connection: redisConnection(flags.redis),
          concurrency: threads,
          lockDuration: lockMs,
          stalledInterval: lockMs,
          maxStalledCount: 3,
        },
      );
      worker.on("error", (error) => io.stderr.write(`supernode worker: ${error.message}\n`));
      worker.on("stalled", (jobId) =>
        io.stderr.write(
          `supernode worker: job ${jobId} stalled (its worker went silent); back in the queue\n`,
        ),
      );
      await whenReady(worker, flags.redis);
      io.stderr.write(`supernode worker: ${threads} thread(s) on queue ${flags.queue} at ${flags.redis}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await worker.close();
      await pool.destroy();
    });
}
