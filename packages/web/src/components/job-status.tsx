/**
 * The line under a control panel saying what the worker is doing, and the error box when a job
 * failed. `data-job-status` lets tests (and screen readers, via aria-live) follow the job.
 */
import type { JobKind } from "../worker/protocol.ts";
import type { JobState } from "../worker/use-job.ts";
import { ErrorBox } from "./error-box.tsx";

export function JobStatus<K extends JobKind>({
  state,
  runningText,
}: {
  state: JobState<K>;
  runningText?: string;
}) {
  return (
    <>
      <p className="status-line" aria-live="polite" data-job-status={state.status}>
        {state.status === "running" && (runningText ?? "Computing…")}
        {state.status === "cancelled" && "Cancelled."}
      </p>
      {state.status === "error" && <ErrorBox error={state.error} />}
    </>
  );
}
