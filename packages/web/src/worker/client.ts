/**
 * The page's side of the worker protocol. Each running job owns one Web Worker; cancelling a job
 * terminates its worker, so a long simulation stops at once. A worker whose job finished is kept
 * (one at most) and reused by the next job, so short jobs do not pay the start-up again.
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

let idleWorker: Worker | undefined;
let nextId = 1;

function createWorker(): Worker {
  return new Worker(new URL("./core-worker.ts", import.meta.url), { type: "module", name: "supernode-core" });
}

/** Starts a job in its own worker. */
export function startJob<K extends JobKind>(
  request: JobRequest<K>,
  onProgress?: (progress: Progress) => void,
): JobHandle<K> {
  const worker = idleWorker ?? createWorker();
  idleWorker = undefined;
  const id = nextId++;
  let settled = false;
  let rejectJob: (reason: unknown) => void = () => {};
  const promise = new Promise<JobResult<K>>((resolve, reject) => {
    rejectJob = reject;
    const finish = () => {
      settled = true;
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
      if (idleWorker === undefined) idleWorker = worker;
      else worker.terminate();
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
