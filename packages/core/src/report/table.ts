/**
 * A plain-data table: columns and rows of cells, plus footnotes. Built by core (or a command) and
 * rendered by the CLI as a terminal table or CSV, and by the web app as HTML.
 *
 * @example
 * const t = makeTable([{ key: "id", header: "Id" }, { key: "bf16", header: "BF16 (PFLOPS)", align: "right" }],
 *   [{ id: "gb200-nvl72", bf16: 180 }]);
 */
export type TableCell = string | number | null;

export interface TableColumn {
  /** Row field holding this column's cells; also the CSV header. */
  readonly key: string;
  /** Human header for terminal/HTML tables. */
  readonly header: string;
  readonly align?: "left" | "right";
}

export interface Table {
  readonly title?: string;
  readonly columns: readonly TableColumn[];
  readonly rows: ReadonlyArray<Readonly<Record<string, TableCell>>>;
  /** Lines printed under the table (sources, notes). */
  readonly footnotes?: readonly string[];
}

/** @example makeTable([{ key: "a", header: "A" }], [{ a: 1 }], { title: "T" }).rows.length === 1 */
export function makeTable(
  columns: readonly TableColumn[],
  rows: ReadonlyArray<Readonly<Record<string, TableCell>>>,
  extras: { title?: string; footnotes?: readonly string[] } = {},
): Table {
  return {
    ...(extras.title === undefined ? {} : { title: extras.title }),
    columns,
    rows,
    ...(extras.footnotes === undefined || extras.footnotes.length === 0
      ? {}
      : { footnotes: extras.footnotes }),
  };
}

/** The cells of a row in column order (missing cells are null). */
export function rowCells(table: Table, row: Readonly<Record<string, TableCell>>): TableCell[] {
  return table.columns.map((column) => row[column.key] ?? null);
}
