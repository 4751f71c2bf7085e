/**
 * Runs one sweep point: the base scenario with the point's overrides, through `estimate`,
 * `simulate`, `train` or `search`, summarised. An input error at the point (does not fit, bad
 * value) is the point's result, not the sweep's failure. Used by the pool's threads and, through
 * them, by Redis workers.
 */
import {
  applyOverrides,
  defaultSearchSpace,
  estimate,
  isSupernodeError,
  parseScenarioVariant,
  parseTrainingScenario,
  pointOverrides,
  readSourceDocument,
  type Scenario,
  type ScenarioOverride,
  type ScenarioSource,
  type SourceDocument,
  type SweepCommand,
  type SweepPlanDocument,
  type SweepPointResult,
  scenarioSource,
  searchDeployments,
  simulate,
  summarizeEstimate,
  summarizeSearch,
  summarizeSimulation,
  summarizeTrain,
  trainReport,
} from "@supernode/core";
import { workloadFiles } from "../commands/simulate.ts";
import { modelConfigReader } from "../output/files.ts";
import type { SweepBatch } from "./sweep-batch.ts";

export interface SweepTask {
  /** The base scenario's text and its path (model configs and workload files are read beside it). */
  readonly scenarioText: string;
  readonly scenarioFile: string;
  readonly command: SweepCommand;
  readonly set: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly requests?: number;
  /** `search` only: the plan's SLOs and space lists. */
  readonly search?: SweepPlanDocument["search"];
}

export type SweepOutcome = { result: SweepPointResult } | { error: string };

/** Runs every point of a batch, in order. */
export function runSweepBatch(batch: SweepBatch): SweepOutcome[] {
  return batch.points.map((point) => runSweepTask({ ...batch.base, ...point }));
}

/**
 * The base scenario read and validated once per thread, not once per point: every point of a sweep
 * has the same text. A point whose overrides all lie inside `deployment` validates only that
 * section and shares the system, model, engine and precision resolved for the first point
 * (`parseScenarioVariant`, as the deployment search does: the same scenario as `parseScenarioSource`
 * with the overrides); any other point parses the whole document. The file reader is the base's
 * own, so the resolved sections are reused (they are kept per reader).
 */
interface Base {
  readonly text: string;
  readonly file: string;
  readonly source: ScenarioSource;
  readonly readFile: (path: string) => string;
}
let base: Base | undefined;
function baseOf(text: string, file: string): Base {
  if (base === undefined || base.text !== text || base.file !== file)
    base = {
      text,
      file,
      source: scenarioSource(readSourceDocument(text, file)),
      readFile: modelConfigReader(file),
    };
  return base;
}

/** Runs a point; input errors become `{ error }`, anything else (a bug) throws. */
export function runSweepTask(task: SweepTask): SweepOutcome {
  try {
    return { result: pointResult(task) };
  } catch (error) {
    if (isSupernodeError(error)) return { error: error.message };
    throw error;
  }
}

function pointResult(task: SweepTask): SweepPointResult {
  const file = task.scenarioFile;
  const overrides = pointOverrides(task.set);
  if (task.command === "train") {
    const readFile = modelConfigReader(file);
    return summarizeTrain(
      trainReport(parseTrainingScenario(task.scenarioText, file, undefined, { overrides, readFile })),
    );
  }
  const { source, readFile } = baseOf(task.scenarioText, file);
  const scenario = parseScenarioVariant(source, undefined, { overrides, readFile });
  if (task.command === "estimate") return summarizeEstimate(estimate(scenario));
  if (task.command === "search") return searchResult(source.raw, overrides, scenario, task, readFile);
  const run = simulate(scenario, {
    files: workloadFiles(scenario.workload, file),
    recordRequests: false,
    ...(task.requests !== undefined ? { requests: task.requests } : {}),
    ...(task.seed !== undefined ? { seed: task.seed } : {}),
  });
  return summarizeSimulation(run.summary);
}

/** As `supernode search` with the plan's SLOs and lists: candidates start from the document with the point's overrides. */
function searchResult(
  read: SourceDocument,
  overrides: readonly ScenarioOverride[],
  scenario: Scenario,
  task: SweepTask,
  readFile: (path: string) => string,
): SweepPointResult {
  const s = task.search;
  const defaults = defaultSearchSpace(scenario);
  const doc: SourceDocument =
    overrides.length > 0 ? { ...read, data: applyOverrides(read.data, overrides) } : read;
  const result = searchDeployments(doc, scenario, {
    space: {
      ...defaults,
      chipsPerInstance: s?.chips ?? defaults.chipsPerInstance,
      batchPerChip: s?.batches ?? defaults.batchPerChip,
      attentionTp: s?.attentionTp ?? defaults.attentionTp,
    },
    parseOptions: { readFile },
    slo: {
      tpotS: (s?.tpotMs ?? 50) / 1e3,
      ...(s?.ttftMs !== undefined ? { ttftS: s.ttftMs / 1e3 } : {}),
    },
  });
  return summarizeSearch(result);
}
