/**
 * The results file of a sweep: lines appended as points finish (a killed run loses at most the
 * line being written, which resuming re-runs), then sorted by point id when the sweep completes,
 * so a finished file has the same bytes however the sweep ran.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from "node:fs";
import { mergeSweepRecords, parseSweepLines, type SweepRecord, sweepLine } from "@supernode/core";
import { writeText } from "../output/files.ts";

export interface ResultsWriter {
  /** Appends records (one write for all of them). */
  append(records: readonly SweepRecord[]): void;
  close(): void;
}

/** Opens `file` for appending (dropping an unterminated last line left by a killed run). */
export function openResults(file: string): ResultsWriter {
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    if (text.length > 0 && !text.endsWith("\n"))
      truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf("\n") + 1)));
  }
  const fd = openSync(file, "a");
  return {
    append: (records) => void writeSync(fd, records.map(sweepLine).join("")),
    close: () => closeSync(fd),
  };
}

/**
 * Rewrites `file` sorted by point id (through a temporary file: never half-written); `records` are
 * those the file holds (kept by the caller as it wrote them), else the file is read back.
 */
export function sortResults(file: string, records?: readonly SweepRecord[]): void {
  if (records === undefined) records = parseSweepLines(readFileSync(file, "utf8"), file);
  const tmp = `${file}.sorting-${process.pid}`;
  writeText(tmp, mergeSweepRecords([{ name: file, records }]), "sweep results");
  renameSync(tmp, file);
}
