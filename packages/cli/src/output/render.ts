/**
 * Renders a core `Table` for the terminal (cli-table3), as CSV (csv-stringify), or any value as
 * JSON. Commands choose with `--json` / `--csv` (see output-format.ts).
 */
import type { Table } from "@supernode/core";
import { rowCells } from "@supernode/core";
import CliTable from "cli-table3";
import { stringify } from "csv-stringify/sync";

/** @example process.stdout.write(renderTable(table)) */
export function renderTable(table: Table): string {
  const out = new CliTable({
    head: table.columns.map((c) => c.header),
    colAligns: table.columns.map((c) => c.align ?? "left"),
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of table.rows)
    out.push(rowCells(table, row).map((cell) => (cell === null ? "—" : String(cell))));
  const parts: string[] = [];
  if (table.title !== undefined) parts.push(table.title);
  parts.push(out.toString());
  if (table.footnotes !== undefined && table.footnotes.length > 0) parts.push(table.footnotes.join("\n"));
  return `${parts.join("\n")}\n`;
}

/** CSV with the column keys as header; null cells are empty. */
export function renderCsv(table: Table): string {
  return stringify([
    table.columns.map((c) => c.key),
    ...table.rows.map((row) => rowCells(table, row).map((c) => c ?? "")),
  ]);
}

/** Pretty JSON with a trailing newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
