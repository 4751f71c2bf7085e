/**
 * The jobs a worker can run: each handler takes a plain-data request, calls `@supernode/core` and
 * returns plain data shaped for the page. Handlers are pure functions, testable in Node.
 */
import type { Progress } from "./protocol.ts";

export type OnProgress = (fraction: number, detail?: string) => void;
export type { Progress };

export const jobHandlers = {
  /** Round trip, used to check the worker starts. */
  ping: (request: { readonly text: string }) => ({ text: request.text }),
};

export type JobHandlers = typeof jobHandlers;
