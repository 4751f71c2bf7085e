/**
 * The typed request/response protocol between the page and the Web Workers that run
 * `@supernode/core`. Every message is plain data (structured-clone safe). A job is one request;
 * the worker answers with any number of `progress` messages and then one `result` or `error`.
 * Cancellation is by terminating the worker (see `client.ts`).
 */
import type { JobHandlers } from "./handlers.ts";

export type JobKind = keyof JobHandlers;

/** The request of one job kind, e.g. `JobRequest<"compare">` = `{ kind: "compare", systemIds }`. */
export type JobRequest<K extends JobKind = JobKind> = K extends JobKind
  ? { readonly kind: K } & Parameters<JobHandlers[K]>[0]
  : never;

/** What a job of kind K resolves to. */
export type JobResult<K extends JobKind> = Awaited<ReturnType<JobHandlers[K]>>;

/** An error as the page shows it: the same one-paragraph message the CLI prints. */
export interface ShownError {
  /** A `SupernodeError` kind ("schema", "unknown-id", ...) or "internal" for a bug. */
  readonly kind: string;
  readonly message: string;
  /** True for bugs (not caused by input); the page then offers the stack for a report. */
  readonly internal: boolean;
  readonly stack?: string;
}

export interface Progress {
  /** 0..1 */
  readonly fraction: number;
  readonly detail?: string;
}

export type PageToWorker = { readonly id: number; readonly request: JobRequest };

export type WorkerToPage =
  | { readonly id: number; readonly type: "progress"; readonly progress: Progress }
  | { readonly id: number; readonly type: "result"; readonly value: unknown }
  | { readonly id: number; readonly type: "error"; readonly error: ShownError };
