/**
 * A sweep as the CLI runs it: the plan read and expanded, the slice this run owns (`--shard`),
 * and the points its output file already holds (resuming skips them). Shared by the local pool
 * and the Redis queue.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  expandSweep,
  parseShard,
  parseSweepLines,
  parseSweepPlan,
  SupernodeError,
  type SweepPlanDocument,
  type SweepPoint,
  type SweepRecord,
  shardPoints,
  sweepHash,
} from "@supernode/core";
import { readText } from "../output/files.ts";
import { VERSION } from "../program.ts";
import type { SweepTask } from "./sweep-task.ts";

export interface SweepSetup {
  readonly plan: SweepPlanDocument;
  /** Hash of the plan and base scenario texts and the tool version: names this sweep's results. */
  readonly planHash: string;
  readonly version: string;
  readonly scenarioFile: string;
  readonly scenarioText: string;
  /** This run's points (its shard), in plan order. */
  readonly points: readonly SweepPoint[];
  readonly totalPoints: number;
}

/** Reads a plan and its base scenario; `shard` is `i/N` text. */
export function loadSweep(planFile: string, shard?: string): SweepSetup {
  const planText = readText(planFile, "sweep plan");
  const plan = parseSweepPlan(planText, planFile);
  const scenarioFile = resolve(dirname(planFile), plan.scenario);
  const scenarioText = readText(scenarioFile, "scenario file");
  const all = expandSweep(plan);
  const points = shard !== undefined ? shardPoints(all, parseShard(shard)) : all;
  return {
    plan,
    planHash: sweepHash(`${VERSION}\n${planText}\n${scenarioText}`),
    version: VERSION,
    scenarioFile,
    scenarioText,
    points,
    totalPoints: all.length,
  };
}

/** The task that runs `point`. */
export function sweepTask(setup: SweepSetup, point: SweepPoint): SweepTask {
  return {
    scenarioText: setup.scenarioText,
    scenarioFile: setup.scenarioFile,
    command: setup.plan.command,
    set: point.set,
    ...(point.seed !== undefined ? { seed: point.seed } : {}),
    ...(setup.plan.requests !== undefined ? { requests: setup.plan.requests } : {}),
    ...(setup.plan.search !== undefined ? { search: setup.plan.search } : {}),
  };
}

/**
 * The records `outFile` already holds for this sweep and the points still to run. Records of
 * another plan (or of an edited plan or scenario) are an error: resuming would mix two sweeps.
 */
export function resumeState(setup: SweepSetup, outFile: string): { done: SweepRecord[]; todo: SweepPoint[] } {
  if (!existsSync(outFile)) return { done: [], todo: [...setup.points] };
  const records = parseSweepLines(readFileSync(outFile, "utf8"), outFile);
  const other = records.find((r) => r.plan !== setup.planHash);
  if (other !== undefined)
    throw new SupernodeError(
      "usage",
      `${outFile} holds results of another sweep (plan ${other.plan}, this one is ${setup.planHash}: the plan, its scenario or the tool version changed); write to a new --out file`,
    );
  const ids = new Set(records.map((r) => r.id));
  return { done: records, todo: setup.points.filter((p) => !ids.has(p.id)) };
}
