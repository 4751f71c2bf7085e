/**
 * React hooks over `startJob`: `useJob` runs a job whenever its request changes (cancelling the
 * previous one) and `useManualJob` runs one on demand, with progress and cancel.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { JobCancelled, JobFailed, type JobHandle, startJob } from "./client.ts";
import type { JobKind, JobRequest, JobResult, Progress, ShownError } from "./protocol.ts";

export type JobState<K extends JobKind> =
  | { readonly status: "idle"; readonly previous?: JobResult<K> }
  | { readonly status: "running"; readonly progress?: Progress; readonly previous?: JobResult<K> }
  | { readonly status: "done"; readonly value: JobResult<K>; readonly request?: JobRequest<K> }
  | { readonly status: "error"; readonly error: ShownError; readonly previous?: JobResult<K> }
  | { readonly status: "cancelled"; readonly previous?: JobResult<K> };

/** The last successful value of a job state, if any (shown, dimmed, while a new one runs). */
export function lastValue<K extends JobKind>(state: JobState<K>): JobResult<K> | undefined {
  return state.status === "done" ? state.value : state.previous;
}

function toShown(error: unknown): ShownError {
  if (error instanceof JobFailed) return error.shown;
  return {
    kind: "internal",
    message: error instanceof Error ? error.message : String(error),
    internal: true,
  };
}

/** Runs a job on demand: `start(request)`, `cancel()`. */
export function useManualJob<K extends JobKind>(): {
  state: JobState<K>;
  start: (request: JobRequest<K>) => void;
  cancel: () => void;
} {
  const [state, setState] = useState<JobState<K>>({ status: "idle" });
  const handle = useRef<JobHandle<K> | undefined>(undefined);
  const previous = useRef<JobResult<K> | undefined>(undefined);

  const cancel = useCallback(() => handle.current?.cancel(), []);
  const start = useCallback((request: JobRequest<K>) => {
    handle.current?.cancel();
    const job: JobHandle<K> = startJob(request, (progress) =>
      setState((s) => (s.status === "running" && handle.current === job ? { ...s, progress } : s)),
    );
    handle.current = job;
    setState({ status: "running", previous: previous.current });
    job.promise.then(
      (value: JobResult<K>) => {
        if (handle.current !== job) return;
        previous.current = value;
        setState({ status: "done", value });
      },
      (error: unknown) => {
        if (handle.current !== job) return;
        if (error instanceof JobCancelled) setState({ status: "cancelled", previous: previous.current });
        else setState({ status: "error", error: toShown(error), previous: previous.current });
      },
    );
  }, []);
  useEffect(() => () => handle.current?.cancel(), []);
  return { state, start, cancel };
}

/**
 * Runs `request` whenever it changes (by value); `null` runs nothing. A change while a job runs
 * supersedes it: the stale job is cancelled (its worker terminated) and the new request starts at
 * once on a spare worker, so a stale input never delays the current one.
 */
export function useJob<K extends JobKind>(request: JobRequest<K> | null): JobState<K> {
  const [state, setState] = useState<JobState<K>>({ status: "idle" });
  const running = useRef<JobHandle<K> | undefined>(undefined);
  const previous = useRef<JobResult<K> | undefined>(undefined);
  const latest = useRef(request);
  latest.current = request;

  const run = useCallback((next: JobRequest<K>) => {
    const job = startJob(next);
    running.current = job;
    setState({ status: "running", previous: previous.current });
    const settle = (finalState: () => JobState<K>) => {
      if (running.current !== job) return;
      running.current = undefined;
      setState(finalState());
    };
    job.promise.then(
      (value) => {
        if (running.current === job) previous.current = value;
        settle(() => ({ status: "done", value, request: next }));
      },
      (error: unknown) =>
        settle(() =>
          error instanceof JobCancelled
            ? { status: "cancelled", previous: previous.current }
            : { status: "error", error: toShown(error), previous: previous.current },
        ),
    );
  }, []);

  const key = request === null ? "" : JSON.stringify(request);
  useEffect(() => {
    const next = latest.current;
    if (key === "" || next === null) return;
    const stale = running.current;
    running.current = undefined;
    stale?.cancel();
    run(next);
  }, [key, run]);
  useEffect(
    () => () => {
      const job = running.current;
      running.current = undefined;
      job?.cancel();
    },
    [],
  );
  return state;
}
