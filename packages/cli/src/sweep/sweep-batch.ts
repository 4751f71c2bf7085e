/**
 * The pool's message: what a batch of one sweep's points shares (the base scenario's text, its
 * path, the command, …) once, and each point's own overrides and seed — not the scenario text
 * cloned into every point. No core imports: the parent builds batches without loading the models.
 */
import type { SweepTask } from "./sweep-task.ts";

export interface SweepBatch {
  readonly base: Omit<SweepTask, "set" | "seed">;
  readonly points: ReadonlyArray<Pick<SweepTask, "set" | "seed">>;
}

/** The batch of `tasks`, which share everything but their overrides and seeds (one sweep's points). */
export function sweepBatch(tasks: readonly SweepTask[]): SweepBatch {
  const first = tasks[0];
  if (first === undefined)
    return { base: { scenarioText: "", scenarioFile: "", command: "estimate" }, points: [] };
  const { set: _set, seed: _seed, ...base } = first;
  return {
    base,
    points: tasks.map((t) => (t.seed !== undefined ? { set: t.set, seed: t.seed } : { set: t.set })),
  };
}
