/**
 * Run and Cancel buttons over a manual job (`useManualJob`), and the status line under them: a
 * progress bar with the worker's detail while it runs, what happened when it was cancelled, and
 * what the view says when idle or done. The status element carries the job's status in
 * `data-job-status` (or the attribute given) for tests and, through aria-live, screen readers.
 */
import type { ReactNode } from "react";
import type { JobKind } from "../worker/protocol.ts";
import type { JobState } from "../worker/use-job.ts";

export interface RunControlsProps<K extends JobKind> {
  readonly state: JobState<K>;
  readonly runLabel: string;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  readonly cancelLabel?: string;
  /** The progress bar's accessible name ("Simulation progress"). */
  readonly progressLabel: string;
  readonly cancelledText?: string;
  readonly idleText?: ReactNode;
  readonly doneText?: (state: Extract<JobState<K>, { status: "done" }>) => ReactNode;
  readonly statusAttribute?: "data-job-status" | "data-sweep-status";
}

export function RunControls<K extends JobKind>({
  state,
  runLabel,
  onRun,
  onCancel,
  cancelLabel = "Cancel",
  progressLabel,
  cancelledText = "Cancelled: the worker was stopped.",
  idleText,
  doneText,
  statusAttribute = "data-job-status",
}: RunControlsProps<K>) {
  const running = state.status === "running";
  const progress = running ? state.progress : undefined;
  return (
    <>
      <div className="button-row run-row">
        <button type="button" disabled={running} onClick={onRun}>
          {runLabel}
        </button>
        <button type="button" className="secondary" disabled={!running} onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
      <div className="status-line" aria-live="polite" {...{ [statusAttribute]: state.status }}>
        {running && (
          <>
            <progress max={1} value={progress?.fraction ?? 0} aria-label={progressLabel} />{" "}
            {progress?.detail ?? "Starting…"}
          </>
        )}
        {state.status === "cancelled" && cancelledText}
        {state.status === "idle" && idleText}
        {state.status === "done" && doneText?.(state)}
      </div>
    </>
  );
}
