/**
 * One sweep result line (JSONL): the point's id, its parameters, the plan's hash, the tool version
 * and a compact result — or the point's error. The text of a line depends only on the point and
 * its result (no times, no host), so a sweep run in one process, a thread pool, shards or Redis
 * workers gives the same bytes after sorting by id.
 */
import type { Estimate } from "../perf/index.ts";
import type { SimulationSummary } from "../serving/index.ts";
import { SupernodeError } from "../spec/index.ts";
import type { TrainReport } from "../training/index.ts";
import type { SearchResult } from "./search.ts";
import type { SweepPoint } from "./sweep-points.ts";

/** Headline figures of `estimate` at one point (SI units). */
export interface EstimatePointResult {
  readonly decodeTokensPerSPerChip: number | null;
  readonly prefillTokensPerSPerChip: number | null;
  readonly tpotS: number | null;
  readonly ttftS: number | null;
  /** Memory per chip of the decode (else prefill) instance, and its capacity. */
  readonly memoryBytesPerChip: number | null;
  readonly capacityBytesPerChip: number | null;
  readonly bound: string | null;
}

/** Headline figures of `simulate` at one point (SI units). */
export interface SimulatePointResult {
  readonly completed: number;
  readonly dropped: number;
  readonly outputTokensPerSPerChip: number;
  readonly ttftP50S: number;
  readonly ttftP99S: number;
  readonly tpotP50S: number;
  readonly tpotP99S: number;
  readonly sloAttainment: number;
}

/** Headline figures of `train` at one point (SI units). */
export interface TrainPointResult {
  readonly stepS: number;
  readonly tokensPerSPerChip: number;
  readonly mfu: number;
  /** Memory per rank of the worst pipeline stage, the device's capacity, and whether it fits. */
  readonly memoryBytesPerRank: number;
  readonly capacityBytesPerRank: number;
  readonly fits: boolean;
  readonly goodput: number;
  /** Wall time to train the scenario's token budget with failures counted (null without a budget). */
  readonly trainSecondsWithFailures: number | null;
}

/** Headline figures of `search` at one point: the counts and the best deployment under the SLOs (SI units). */
export interface SearchPointResult {
  readonly total: number;
  readonly evaluated: number;
  readonly meetingSlo: number;
  readonly best: {
    readonly label: string;
    readonly tokensPerSPerChip: number;
    readonly tpotS: number;
    readonly ttftS: number | null;
    readonly memoryPerChipBytes: number;
  } | null;
  /** The base scenario's deployment as written, estimated. */
  readonly baseTokensPerSPerChip: number;
}

export type SweepPointResult =
  | EstimatePointResult
  | SimulatePointResult
  | TrainPointResult
  | SearchPointResult;

export interface SweepRecord {
  readonly id: string;
  readonly plan: string;
  readonly version: string;
  readonly set: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly result?: SweepPointResult;
  /** The point's input error (does not fit, bad value), as the CLI would print it. */
  readonly error?: string;
}

/** The figures a sweep keeps from an estimate. */
export function summarizeEstimate(e: Estimate): EstimatePointResult {
  const phase = e.decode ?? e.prefill;
  return {
    decodeTokensPerSPerChip: e.decodeTokensPerSPerChip ?? null,
    prefillTokensPerSPerChip: e.prefillTokensPerSPerChip ?? null,
    tpotS: e.tpotS ?? null,
    ttftS: e.ttftS ?? null,
    memoryBytesPerChip: phase?.memory.totalBytes ?? null,
    capacityBytesPerChip: phase?.memory.capacityBytes ?? null,
    bound: phase?.bound ?? null,
  };
}

/** The figures a sweep keeps from a simulation. */
export function summarizeSimulation(s: SimulationSummary): SimulatePointResult {
  return {
    completed: s.requests.completed,
    dropped: s.requests.dropped,
    outputTokensPerSPerChip: s.throughput.outputTokensPerSPerChip,
    ttftP50S: s.ttftS.p50,
    ttftP99S: s.ttftS.p99,
    tpotP50S: s.tpotS.p50,
    tpotP99S: s.tpotS.p99,
    sloAttainment: s.slo.attainment,
  };
}

/** The figures a sweep keeps from a training step report. */
export function summarizeTrain(r: TrainReport): TrainPointResult {
  return {
    stepS: r.stepS,
    tokensPerSPerChip: r.tokensPerSPerChip,
    mfu: r.mfu,
    memoryBytesPerRank: r.memory.worst.total,
    capacityBytesPerRank: r.memory.capacityBytes,
    fits: r.memory.fits,
    goodput: r.goodput.goodput,
    trainSecondsWithFailures: r.train?.secondsWithFailures ?? null,
  };
}

/** The figures a sweep keeps from a deployment search. */
export function summarizeSearch(r: SearchResult): SearchPointResult {
  const best = r.ranked[0];
  return {
    total: r.total,
    evaluated: r.evaluated,
    meetingSlo: r.ranked.length,
    best:
      best === undefined
        ? null
        : {
            label: best.label,
            tokensPerSPerChip: best.tokensPerSPerChip,
            tpotS: best.tpotS,
            ttftS: best.ttftS ?? null,
            memoryPerChipBytes: best.memoryPerChipBytes,
          },
    baseTokensPerSPerChip: r.base.tokensPerSPerChip,
  };
}

/** The record of a point (fields in a fixed order). */
export function sweepRecord(
  point: SweepPoint,
  plan: string,
  version: string,
  outcome: { result: SweepPointResult } | { error: string },
): SweepRecord {
  return {
    id: point.id,
    plan,
    version,
    set: point.set,
    ...(point.seed !== undefined ? { seed: point.seed } : {}),
    ...outcome,
  };
}

/** One JSONL line (with its newline). */
export function sweepLine(record: SweepRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Parses the lines of a results file; a line that is not a record is an error naming its line
 * (a last line cut short by a killed run is ignored: it is re-run on resume).
 */
export function parseSweepLines(text: string, fileName: string): SweepRecord[] {
  const lines = text.split("\n");
  const records: SweepRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // unterminated last line: an interrupted write
      throw new SupernodeError("syntax", "not a JSON line", { file: fileName, line: i + 1 });
    }
    const r = value as Partial<SweepRecord> | null;
    if (r === null || typeof r !== "object" || typeof r.id !== "string" || typeof r.plan !== "string")
      throw new SupernodeError("schema", "a sweep result line needs string fields id and plan", {
        file: fileName,
        line: i + 1,
      });
    records.push(r as SweepRecord);
  });
  return records;
}

/**
 * Joins result files: one line per (plan, id), sorted by plan then id; a point present twice with
 * different results is an error (two runs that disagree).
 */
export function mergeSweepRecords(
  files: ReadonlyArray<{ name: string; records: readonly SweepRecord[] }>,
): string {
  const byKey = new Map<string, string>();
  for (const { name, records } of files)
    for (const r of records) {
      const key = `${r.plan} ${r.id}`;
      const line = sweepLine(r);
      const seen = byKey.get(key);
      if (seen !== undefined && seen !== line)
        throw new SupernodeError(
          "invalid-value",
          `point ${r.id} of plan ${r.plan} differs from an earlier file`,
          {
            file: name,
          },
        );
      byKey.set(key, line);
    }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, line]) => line)
    .join("");
}
