/**
 * Runs fuzz cases on a piscina worker pool over all cores. Each case has a deadline (a worker still
 * running it then is terminated: outcome `hang`; 30 s by default, which includes a replacement
 * thread's warm-up) and each thread a heap limit (a worker that runs
 * out of memory dies: outcome `oom`), so one bad input cannot stop the run.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { type FuzzCorpus, fuzzCase, loadFuzzCorpus } from "./fuzz-corpus.ts";
import type { FuzzRecord, FuzzTask } from "./fuzz-worker.ts";

export interface FuzzRunOptions {
  readonly seed: number;
  /** Case indices `[first, first + count)`. */
  readonly first: number;
  readonly count: number;
  readonly threads?: number;
  /** Deadline per case (default 10 s). */
  readonly deadlineS?: number;
  /** Heap limit per worker thread (default 1,024 MiB). */
  readonly heapMiB?: number;
  /** Called with every record, in completion order. */
  readonly onRecord: (record: FuzzRecord) => void;
}

let corpus: FuzzCorpus | undefined;
const workerFile = new URL("./fuzz-worker.ts", import.meta.url).href;

function failed(task: FuzzTask, error: unknown, deadlineS: number): FuzzRecord {
  const code = (error as { code?: string } | null)?.code;
  const name = (error as { name?: string } | null)?.name;
  // The worker is gone: re-make the case here (cheap, deterministic) to say what it was.
  let base = { index: task.index, kind: "?", mutation: "(the case itself could not be made)" };
  try {
    corpus ??= loadFuzzCorpus();
    const input = fuzzCase(corpus, task.seed, task.index);
    base = { index: task.index, kind: input.kind, mutation: input.mutation.slice(0, 200) };
  } catch {
    // Reported below as the worker's failure.
  }
  if (name === "AbortError" || code === "ABORT_ERR")
    return { ...base, outcome: "hang", detail: `still running after ${deadlineS} s` };
  if (code === "ERR_WORKER_OUT_OF_MEMORY")
    return { ...base, outcome: "oom", detail: "worker ran out of heap" };
  return { ...base, outcome: "internal", detail: `worker failed: ${String(error).slice(0, 200)}` };
}

/**
 * Runs `count` cases and resolves when all are classified.
 * @example await runFuzz({ seed: 1, first: 0, count: 100, onRecord: (r) => counts[r.outcome]++ });
 */
export async function runFuzz(options: FuzzRunOptions): Promise<void> {
  const threads = options.threads ?? availableParallelism();
  const deadlineS = options.deadlineS ?? 30;
  const pool = new Piscina<FuzzTask, FuzzRecord>({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    execArgv: ["--import", "tsx"],
    resourceLimits: { maxOldGenerationSizeMb: options.heapMiB ?? 1024 },
  });
  const inFlight = new Set<Promise<void>>();
  try {
    // Load every thread (tsx compiling the core takes seconds) before any deadline runs; a thread
    // that replaces a terminated one warms up inside its first case's deadline, hence its length.
    await Promise.all(Array.from({ length: threads }, () => pool.run({ seed: options.seed, index: -1 })));
    for (let index = options.first; index < options.first + options.count; index++) {
      const task = { seed: options.seed, index };
      const done: Promise<void> = pool
        .run(task, { signal: AbortSignal.timeout(deadlineS * 1000) })
        .catch((error: unknown) => failed(task, error, deadlineS))
        .then((record) => {
          options.onRecord(record);
          inFlight.delete(done);
        });
      inFlight.add(done);
      // No queue: a deadline must time the case, not its wait for a free thread.
      if (inFlight.size >= threads) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.destroy();
  }
}
