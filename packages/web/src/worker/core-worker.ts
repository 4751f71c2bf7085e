/// <reference lib="webworker" />
/**
 * The Web Worker that runs `@supernode/core`. It receives `PageToWorker` messages, runs the
 * matching handler and posts `progress`, then `result` or `error`. Jobs run one at a time.
 */
import { jobHandlers } from "./handlers.ts";
import type { PageToWorker, WorkerToPage } from "./protocol.ts";
import { toShownError } from "./shown-error.ts";

declare const self: DedicatedWorkerGlobalScope;

function post(message: WorkerToPage): void {
  self.postMessage(message);
}

self.addEventListener("message", (event: MessageEvent<PageToWorker>) => {
  const { id, request } = event.data;
  const onProgress = (fraction: number, detail?: string) =>
    post({ id, type: "progress", progress: detail === undefined ? { fraction } : { fraction, detail } });
  try {
    // The request's kind selects its handler; the protocol types guarantee the argument matches.
    const handler = jobHandlers[request.kind] as (request: unknown, onProgress: unknown) => unknown;
    Promise.resolve(handler(request, onProgress)).then(
      (value) => post({ id, type: "result", value }),
      (error: unknown) => post({ id, type: "error", error: toShownError(error) }),
    );
  } catch (error) {
    post({ id, type: "error", error: toShownError(error) });
  }
});
