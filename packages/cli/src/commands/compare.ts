/**
 * `supernode compare <system> <system> [...]` — systems side by side with ratio columns (first
 * system ÷ each other): chips, dense peak per dtype, HBM, scale-up, scale-out, power, per-watt
 * figures, each with its sources. Default: cloudmatrix384 vs gb200-nvl72. `--json`/`--csv` give
 * SI units (docs/compare-json.md).
 */
import {
  type ComparisonRow,
  compareSystems,
  makeTable,
  type Sourced,
  SupernodeError,
  type SystemComparison,
  type TableCell,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { formatQuantity, formatRatio } from "../output/format-quantity.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { addOutputOptions, outputFormat } from "../output/output-format.ts";
import { renderCsv, renderJson, renderTable } from "../output/render.ts";
import { SourceNotes } from "../output/source-notes.ts";

export const DEFAULT_COMPARE = ["cloudmatrix384", "gb200-nvl72"] as const;

function jsonValue(v: Sourced<number>) {
  return {
    value: v.value,
    tag: v.tag,
    ...(v.note === undefined ? {} : { note: v.note }),
    sources: v.sources,
    ...(v.alternatives === undefined ? {} : { alternatives: v.alternatives }),
  };
}

/** The documented JSON shape (docs/compare-json.md), format `supernode.compare/v1`. */
function comparisonJson(comparison: SystemComparison) {
  const ids = comparison.systems.map((s) => s.id);
  return {
    format: "supernode.compare/v1",
    systems: comparison.systems.map((s, i) => ({
      ...s,
      totals: Object.fromEntries(
        comparison.rows.flatMap((r) => {
          const v = r.values[i];
          return v === null || v === undefined ? [] : [[r.key, v.value]];
        }),
      ),
    })),
    rows: comparison.rows.map((r) => ({
      key: r.key,
      label: r.label,
      unit: r.unit,
      values: r.values.map((v, i) => (v === null ? null : { system: ids[i], ...jsonValue(v) })),
      ratios: r.ratios.slice(1).map((ratio, i) => ({ of: ids[0], to: ids[i + 1], value: ratio })),
    })),
  };
}

function csvTable(comparison: SystemComparison) {
  const ids = comparison.systems.map((s) => s.id);
  const first = ids[0] ?? "";
  const columns = [
    { key: "key", header: "key" },
    { key: "label", header: "label" },
    { key: "unit", header: "unit" },
    ...ids.map((id) => ({ key: id, header: id })),
    ...ids.slice(1).map((id) => ({ key: `ratio:${first}/${id}`, header: `ratio:${first}/${id}` })),
    { key: "sources", header: "sources" },
  ];
  const rows = comparison.rows.map((r) => {
    const row: Record<string, TableCell> = { key: r.key, label: r.label, unit: r.unit };
    r.values.forEach((v, i) => {
      row[ids[i] ?? ""] = v === null ? null : v.value;
    });
    r.ratios.slice(1).forEach((ratio, i) => {
      row[`ratio:${first}/${ids[i + 1]}`] = ratio;
    });
    const urls = new Set(r.values.flatMap((v) => (v === null ? [] : v.sources.map((s) => s.url))));
    row.sources = [...urls].join(" ");
    return row;
  });
  return makeTable(columns, rows);
}

function alternativesNotes(row: ComparisonRow, comparison: SystemComparison, notes: SourceNotes): string[] {
  const lines: string[] = [];
  row.values.forEach((v, i) => {
    if (v === null || v.alternatives === undefined) return;
    const alts = v.alternatives
      .map(
        (a) => `${formatQuantity(a.value, row.unit)} ${notes.cite(a.sources)} (${a.note ?? "alternative"})`,
      )
      .join("; ");
    lines.push(
      `  ${row.label}, ${comparison.systems[i]?.id}: ${formatQuantity(v.value, row.unit)} used; alternatives: ${alts}`,
    );
  });
  return lines;
}

function humanTable(comparison: SystemComparison) {
  const notes = new SourceNotes();
  const ids = comparison.systems.map((s) => s.id);
  const first = ids[0] ?? "";
  const columns = [
    { key: "label", header: "Figure" },
    ...ids.map((id) => ({ key: id, header: id, align: "right" as const })),
    ...ids
      .slice(1)
      .map((id) => ({ key: `ratio:${id}`, header: `${first} ÷ ${id}`, align: "right" as const })),
  ];
  const rows = comparison.rows.map((r) => {
    const row: Record<string, TableCell> = { label: r.label };
    r.values.forEach((v, i) => {
      row[ids[i] ?? ""] =
        v === null ? null : `${formatQuantity(v.value, r.unit)} ${notes.cite(v.sources)}`.trim();
    });
    r.ratios.slice(1).forEach((ratio, i) => {
      row[`ratio:${ids[i + 1]}`] = formatRatio(ratio);
    });
    return row;
  });
  const alternatives = comparison.rows.flatMap((r) => alternativesNotes(r, comparison, notes));
  const footnotes = [
    "Dense peaks (no sparsity); bandwidths per direction; per-watt rows use the Power row.",
    ...(alternatives.length > 0
      ? ["", "Where sources disagree (value used, then alternatives):", ...alternatives]
      : []),
    "",
    "Sources:",
    ...notes.footnotes(),
  ];
  return makeTable(columns, rows, { title: comparison.systems.map((s) => s.name).join(" vs "), footnotes });
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("compare")
    .description(
      "compare systems side by side, with ratios and sources (default: cloudmatrix384 gb200-nvl72)",
    )
    .argument("[systems...]", "system ids (at least two)");
  addHardwareOption(command);
  addOutputOptions(command);
  command.action((systems: string[], options: { json?: boolean; csv?: boolean; hardware?: string[] }) => {
    const format = outputFormat(options);
    const ids = systems.length === 0 ? [...DEFAULT_COMPARE] : systems;
    if (ids.length < 2)
      throw new SupernodeError("usage", `compare needs at least two system ids, got ${ids.length}`);
    const catalog = loadCatalog(options);
    const comparison = compareSystems(ids.map((id) => catalog.system(id)));
    switch (format) {
      case "json":
        io.stdout.write(renderJson(comparisonJson(comparison)));
        return;
      case "csv":
        io.stdout.write(renderCsv(csvTable(comparison)));
        return;
      case "table":
        io.stdout.write(renderTable(humanTable(comparison)));
        return;
      default: {
        const unreachable: never = format;
        return unreachable;
      }
    }
  });
}
