/**
 * `supernode sweep <plan.yaml> [--out results.jsonl] [--threads N] [--shard i/N] [--redis URL]`:
 * runs every point of a sweep plan (docs/sweeps.md) on all local cores (piscina worker threads)
 * or on `supernode worker` processes through a Redis queue (BullMQ), streaming one JSON line per
 * point to the results file, skipping points it already holds (resumable), then sorts the file by
 * point id and prints counts and the best points.
 */
import { availableParallelism } from "node:os";
import { SupernodeError, type SweepRecord } from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { runLocalSweep } from "../sweep/run-sweep.ts";
import { openResults, sortResults } from "../sweep/sweep-output.ts";
import { sweepProgress, sweepSummary } from "../sweep/sweep-report.ts";
import { loadSweep, resumeState } from "../sweep/sweep-setup.ts";

interface SweepFlags {
  out?: string;
  threads?: string;
  shard?: string;
  redis?: string;
  queue: string;
}

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new SupernodeError("usage", `${flag} expects a whole number ≥ 1, got "${text}"`);
  return n;
}

/** `plan.yaml` → `plan.results.jsonl` (`plan.shard-2-of-4.results.jsonl` for a shard). */
export function defaultOut(planFile: string, shard?: string): string {
  const base = planFile.replace(/\.(ya?ml|json)$/i, "");
  return `${base}${shard !== undefined ? `.shard-${shard.replace("/", "-of-")}` : ""}.results.jsonl`;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("sweep")
    .description("run every point of a sweep plan on all cores or on Redis workers; results as JSON lines")
    .argument("<plan>", "sweep plan (YAML); see docs/sweeps.md")
    .option("--out <file>", "results file, one JSON line per point (default: <plan>.results.jsonl)")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--shard <i/N>", "run only shard i of N (every N-th point); join shards with supernode merge")
    .option(
      "--redis <url>",
      "enqueue the points on Redis and collect what `supernode worker` processes return",
    )
    .option("--queue <name>", "queue name on Redis", "supernode-sweep")
    .action(async (file: string, flags: SweepFlags) => {
      const threads = positiveInt(flags.threads, "--threads") ?? availableParallelism();
      const setup = loadSweep(file, flags.shard);
      const out = flags.out ?? defaultOut(file, flags.shard);
      const { done, todo } = resumeState(setup, out);
      const records: SweepRecord[] = [...done];
      const writer = openResults(out);
      const progress = sweepProgress(io, setup.points.length, done.length);
      const onRecord = (batch: readonly SweepRecord[]) => {
        writer.append(batch);
        for (const record of batch) {
          records.push(record);
          progress.tick();
        }
      };
      const started = performance.now();
      try {
        if (flags.redis !== undefined) {
          const { runRedisSweep } = await import("../sweep/sweep-redis.ts");
          await runRedisSweep(setup, todo, onRecord, { url: flags.redis, queue: flags.queue });
        } else await runLocalSweep(setup, todo, onRecord, threads);
      } finally {
        progress.stop();
        writer.close();
      }
      sortResults(out, records); // the records the file holds: those it had and those appended
      const seconds = (performance.now() - started) / 1000;
      const where = flags.redis !== undefined ? `Redis queue ${flags.queue}` : `${threads} thread(s)`;
      io.stderr.write(
        `${out}: ${todo.length} point(s) run in ${seconds.toFixed(1)} s on ${where} (${(todo.length / Math.max(seconds, 1e-9)).toFixed(0)} points/s), ${done.length} already there\n`,
      );
      io.stdout.write(sweepSummary(records));
    });
}
