/**
 * Runs one sweep point: the base scenario with the point's overrides, through `estimate` or
 * `simulate`, summarised. An input error at the point (does not fit, bad value) is the point's
 * result, not the sweep's failure. Used by the pool's threads and, through them, by Redis workers.
 */
import { dirname, resolve } from "node:path";
import {
  estimate,
  isSupernodeError,
  parseScenarioSource,
  pointOverrides,
  readSourceDocument,
  type SourceDocument,
  type SweepPointResult,
  simulate,
  summarizeEstimate,
  summarizeSimulation,
} from "@supernode/core";
import { workloadFiles } from "../commands/simulate.ts";
import { readText } from "../output/files.ts";

export interface SweepTask {
  /** The base scenario's text and its path (model configs and workload files are read beside it). */
  readonly scenarioText: string;
  readonly scenarioFile: string;
  readonly command: "estimate" | "simulate";
  readonly set: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly requests?: number;
}

export type SweepOutcome = { result: SweepPointResult } | { error: string };

/**
 * The base scenario read once per thread, not once per point: every point of a sweep has the same
 * text, and the document keeps its positions (parsed on the first error message that needs a line)
 * for the next point. Each point's overrides apply to a copy of its data.
 */
let base: { text: string; file: string; doc: SourceDocument } | undefined;
function baseDocument(text: string, file: string): SourceDocument {
  if (base === undefined || base.text !== text || base.file !== file)
    base = { text, file, doc: readSourceDocument(text, file) };
  return base.doc;
}

/** Runs a point; input errors become `{ error }`, anything else (a bug) throws. */
export function runSweepTask(task: SweepTask): SweepOutcome {
  const file = task.scenarioFile;
  try {
    const scenario = parseScenarioSource(baseDocument(task.scenarioText, file), undefined, {
      overrides: pointOverrides(task.set),
      readFile: (path) => readText(resolve(dirname(file), path), "model config"),
    });
    if (task.command === "estimate") return { result: summarizeEstimate(estimate(scenario)) };
    const run = simulate(scenario, {
      files: workloadFiles(scenario.workload, file),
      recordRequests: false,
      ...(task.requests !== undefined ? { requests: task.requests } : {}),
      ...(task.seed !== undefined ? { seed: task.seed } : {}),
    });
    return { result: summarizeSimulation(run.summary) };
  } catch (error) {
    if (isSupernodeError(error)) return { error: error.message };
    throw error;
  }
}
