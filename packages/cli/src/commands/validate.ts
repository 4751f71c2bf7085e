/**
 * `supernode validate [--json] [--max-error 0.15] [--kind end-to-end]`: every reference case
 * (operator and fabric microbenchmarks, end-to-end serving results) with prediction, published
 * value, relative error, its derived label (evidence, calibration, consistency, bound; calibration rows
 * name the values set from them) and source, then the summary per label, kind and vendor with
 * duplicates counted once (docs/validation.md). Exits non-zero when a case fails to run or the
 * data's `calibratedOn` names an unknown case, and — only when `--max-error` is given — when an
 * error exceeds it. The built CLI takes the end-to-end cases' predictions from the build's reference
 * table (scripts/build-cli.mjs computes it from the same sources, in parallel parts).
 */
import {
  adoptReferenceTablePredictions,
  boundsLine,
  type ErrorSummary,
  SupernodeError,
  summaryMarkdown,
  VALIDATION_KINDS,
  type ValidationKind,
  type ValidationReport,
  type ValidationRow,
  validate,
} from "@supernode/core";
import Table from "cli-table3";
import type { Command } from "commander";
import { builtReferenceTable } from "../build-assets.ts";
import type { CliIo } from "../cli-io.ts";
import { collect } from "../output/files.ts";
import { enUs, enUsSignificant } from "../output/locale-number.ts";
import { renderJson } from "../output/render.ts";

interface ValidateFlags {
  json?: boolean;
  maxError?: string;
  kind: string[];
}

function parseKinds(values: readonly string[]): ValidationKind[] | undefined {
  if (values.length === 0) return undefined;
  for (const v of values)
    if (!(VALIDATION_KINDS as readonly string[]).includes(v))
      throw new SupernodeError("usage", `--kind must be one of ${VALIDATION_KINDS.join(", ")}, got "${v}"`);
  return values as ValidationKind[];
}

function parseMaxError(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new SupernodeError("usage", `--max-error expects a positive fraction such as 0.15, got "${text}"`);
  return value;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("validate")
    .description("run every reference case: prediction vs published value, relative error and source")
    .option("--json", "print rows and summary as JSON")
    .option("--max-error <fraction>", "fail when any |relative error| exceeds this (e.g. 0.15)")
    .option(
      "--kind <kind>",
      `only cases of this kind: ${VALIDATION_KINDS.join(", ")} (repeatable)`,
      collect,
      [],
    )
    .action((flags: ValidateFlags) => {
      const maxError = parseMaxError(flags.maxError);
      const kinds = parseKinds(flags.kind);
      // The build computed every end-to-end case from the same sources and data (its reference
      // table, which estimate reads too): validate reports those predictions instead of making
      // them again — most of the ledger's CPU. Without a table (run from the sources) it predicts them.
      const table = kinds === undefined || kinds.includes("end-to-end") ? builtReferenceTable() : undefined;
      if (table !== undefined) adoptReferenceTablePredictions(table);
      const report = validate(kinds !== undefined ? { kinds } : {});
      const over =
        maxError === undefined
          ? []
          : // A lower bound misses only when the prediction falls short of it by more than that.
            report.rows.filter(
              (r) =>
                r.error === undefined &&
                (r.bound === "lower" ? -r.relError : Math.abs(r.relError)) > maxError,
            );
      if (flags.json === true)
        io.stdout.write(
          renderJson({
            ...report,
            ...(maxError !== undefined ? { maxError, overMaxError: over.map((r) => r.id) } : {}),
          }),
        );
      else io.stdout.write(renderReport(report));
      const failedRows = report.rows.filter((r) => r.error !== undefined);
      for (const r of failedRows)
        io.stderr.write(`supernode: case ${r.id} (${r.kind}) failed to run: ${r.error}\n`);
      const unknown = report.summary.unknownCalibrationIds;
      if (unknown.length > 0)
        io.stderr.write(
          `supernode: calibratedOn in the data names ${unknown.length} id(s) that are no reference case: ${unknown.join(", ")}\n`,
        );
      if (over.length > 0)
        io.stderr.write(
          `supernode: ${over.length} case(s) exceed --max-error ${maxError}: ${over.map((r) => `${r.id} (${signed(r.relError)})`).join(", ")}\n`,
        );
      if (failedRows.length > 0 || over.length > 0 || unknown.length > 0) io.exitCode = 1;
    });
}

function evidenceLine(e: ErrorSummary): string {
  return `${e.cases} evidence cases, median |error| ${(e.medianAbsRelError * 100).toFixed(1)} %, max ${(e.maxAbsRelError * 100).toFixed(1)} %${e.worst !== undefined ? ` (${e.worst})` : ""}`;
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;
}

function value(x: number): string {
  if (!Number.isFinite(x)) return "—";
  if (Math.abs(x) >= 1000) return enUs(x, 0);
  return enUsSignificant(x, 4);
}

/** The label, with the group's first case for a duplicate. */
function labelCell(r: ValidationRow): string {
  return r.group === r.id ? r.label : `${r.label} (= ${r.group})`;
}

/** Source, and for calibration rows the values set from them. */
function sourceCell(r: ValidationRow): string {
  if (r.error !== undefined) return r.error;
  if (r.sets.length === 0) return r.source;
  const sets = r.sets.map((v) => `${v.file} ${v.path}`).join("; ");
  return `${r.source}\nsets: ${sets}`;
}

function rowCells(r: ValidationRow): string[] {
  return [
    r.id,
    value(r.prediction),
    value(r.published),
    r.unit,
    labelCell(r),
    r.error !== undefined ? "FAILED" : signed(r.relError),
    sourceCell(r),
  ];
}

/** The report as terminal text: one table per kind, then the error summary. */
function renderReport(report: ValidationReport): string {
  const out: string[] = [];
  for (const kind of VALIDATION_KINDS) {
    const rows = report.rows.filter((r) => r.kind === kind);
    if (rows.length === 0) continue;
    const t = new Table({
      head: ["case", "prediction", "published", "unit", "label", "error", "source (and values set)"],
      colWidths: [34, 12, 12, 24, 26, 10, 56],
      wordWrap: true,
      style: { head: [], border: [] },
      chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    });
    for (const r of rows) t.push(rowCells(r));
    const s = report.summary.byKind[kind];
    out.push(
      `${kind} cases (${rows.length}; ${s.cases} once duplicates are grouped): median |error| ${(s.medianAbsRelError * 100).toFixed(1)} %, max ${(s.maxAbsRelError * 100).toFixed(1)} %${s.worst !== undefined ? ` (${s.worst})` : ""}; ${evidenceLine(s.evidence)}`,
      t.toString(),
      "",
    );
  }
  const s = report.summary;
  out.push(
    `All ${s.rows} cases, ${s.cases} measurements once duplicates are grouped: median |error| ${(s.medianAbsRelError * 100).toFixed(1)} %, max |error| ${(s.maxAbsRelError * 100).toFixed(1)} %${s.worst !== undefined ? ` (${s.worst})` : ""}${s.failed > 0 ? `; ${s.failed} failed to run` : ""}`,
    `Evidence only (predictions nothing was set from; calibration and consistency cases reproduce by construction): ${evidenceLine(s.evidence)}`,
    boundsLine(s.bounds),
    "",
    "Summary per label, kind and vendor (duplicates counted once; docs/validation.md):",
    summaryMarkdown(s.byLabel),
  );
  return `${out.join("\n")}\n`;
}
