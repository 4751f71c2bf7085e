/**
 * The page's side of the worker protocol. Each running job owns one Web Worker; cancelling a job
 * terminates its worker, so a long simulation (or a superseded estimate) stops at once. Workers
 * whose job finished are kept (two at most) and reused by the next job, and one spare is started
 * ahead of need — at page load (`prewarmWorker`) and whenever a job takes the last idle one — so
 * a job that replaces a cancelled one does not wait for a worker to load `@supernode/core`.
 *
 * @example
 * const job = startJob({ kind: "compare", systemIds: ["cloudmatrix384", "gb200-nvl72"] });
 * const comparison = await job.promise; // or job.cancel()
 */
import type {
  JobKind,
  JobRequest,
  JobResult,
  PageToWorker,
  Progress,
  ShownError,
  WorkerToPage,
} from "./protocol.ts";

export interface JobHandle<K extends JobKind> {
  readonly promise: Promise<JobResult<K>>;
  /** Terminates the worker; the promise rejects with a `JobCancelled`. */
  cancel(): void;
}

/** Rejection of a job: the error to show, or `cancelled`. */
export class JobFailed extends Error {
  readonly shown: ShownError;
  constructor(shown: ShownError) {
    super(shown.message);
    this.name = "JobFailed";
    this.shown = shown;
  }
}

export class JobCancelled extends Error {
  constructor() {
    super("cancelled");
    this.name = "JobCancelled";
  }
}

/** Idle workers, most recently used last (a warm one has core's caches filled). */
const idleWorkers: Worker[] = [];
const MAX_IDLE = 2;
let nextId = 1;

function createWorker(): Worker {
  return new Worker(new URL("./core-worker.ts", import.meta.url), { type: "module", name: "supernode-core" });
}

/** Starts a worker (loading core) before any job needs it; no-op when one is idle. */
export function prewarmWorker(): void {
  if (idleWorkers.length === 0) idleWorkers.push(createWorker());
}

function release(worker: Worker): void {
  if (idleWorkers.length < MAX_IDLE) idleWorkers.push(worker);
  else worker.terminate();
}

/** Starts a job in its own worker. */
export function startJob<K extends JobKind>(
  request: JobRequest<K>,
  onProgress?: (progress: Progress) => void,
): JobHandle<K> {
  const worker = idleWorkers.pop() ?? createWorker();
  // The spare: loads core while this job runs, for the job that may replace it.
  if (idleWorkers.length === 0) setTimeout(prewarmWorker, 0);
  const id = nextId++;
  let settled = false;
  let rejectJob: (reason: unknown) => void = () => {};
  const promise = new Promise<JobResult<K>>((resolve, reject) => {
    rejectJob = reject;
    const finish = () => {
      settled = true;
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
      release(worker);
    };
    const onMessage = (event: MessageEvent<WorkerToPage>) => {
      const message = event.data;
      if (message.id !== id) return;
      switch (message.type) {
        case "progress":
          onProgress?.(message.progress);
          return;
        case "result":
          finish();
          resolve(message.value as JobResult<K>);
          return;
        case "error":
          finish();
          reject(new JobFailed(message.error));
          return;
        default:
          message satisfies never;
      }
    };
    const onError = (event: ErrorEvent) => {
      settled = true;
      worker.terminate();
      reject(new JobFailed({ kind: "internal", message: `worker failed: ${event.message}`, internal: true }));
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    worker.postMessage({ id, request } satisfies PageToWorker);
  });
  return {
    promise,
    cancel() {
      if (settled) return;
      settled = true;
      worker.terminate();
      rejectJob(new JobCancelled());
    },
  };
}
