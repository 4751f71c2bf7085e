/**
 * The worker-thread pool (piscina) that runs sweep points on all cores. From the sources (tests,
 * tsx) the thread loads sweep-thread.ts through tsx, or the built file that SUPERNODE_SWEEP_THREAD
 * names (the test run); from the built CLI it loads dist/sweep-thread.js, built as its own entry
 * point by scripts/build-cli.mjs.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { type SweepBatch, sweepBatch } from "./sweep-batch.ts";
import type { SweepOutcome, SweepTask } from "./sweep-task.ts";

export type SweepPool = Piscina<SweepBatch, SweepOutcome[]>;

function threadFile(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  // The test run points here at the built thread (vitest.config.ts; its global set-up rebuilds
  // dist when a source is newer): a thread compiling core through tsx costs seconds of CPU.
  const built = process.env.SUPERNODE_SWEEP_THREAD;
  if (here.endsWith(".ts") && built !== undefined && built !== "")
    return { filename: pathToFileURL(built).href, execArgv: [] };
  if (here.endsWith(".ts"))
    return { filename: new URL("./sweep-thread.ts", here).href, execArgv: ["--import", "tsx"] };
  // Bundled: this code sits in dist/main.js or in a chunk under dist/chunks/.
  for (const candidate of ["./sweep-thread.js", "../sweep-thread.js"]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return { filename: url.href, execArgv: [] };
  }
  throw new Error("the built CLI has no sweep-thread.js: run npm run build");
}

/** A pool of `threads` threads (default: all cores). */
export function sweepPool(threads = availableParallelism()): SweepPool {
  const { filename, execArgv } = threadFile();
  return new Piscina({ filename, minThreads: threads, maxThreads: threads, execArgv });
}

/**
 * Runs one sweep's tasks in batches of `batch` on the pool; `onDone` gets each finished batch's
 * first task index and outcomes (in task order).
 */
export async function runOnPool(
  pool: SweepPool,
  tasks: readonly SweepTask[],
  batch: number,
  onDone: (start: number, outcomes: readonly SweepOutcome[]) => void,
): Promise<void> {
  const runs: Promise<void>[] = [];
  for (let start = 0; start < tasks.length; start += batch)
    runs.push(
      pool.run(sweepBatch(tasks.slice(start, start + batch))).then((outcomes) => onDone(start, outcomes)),
    );
  await Promise.all(runs);
}
