/**
 * `supernode catalog [chips|systems|fabrics]` — what is built in (plus `--hardware` files), with
 * headline figures. `show <id>` prints everything about one entry.
 */
import {
  type Catalog,
  type Chip,
  type ClusterFabric,
  makeTable,
  SupernodeError,
  type System,
  type SystemTotals,
  systemTotals,
  type Table,
  type TableCell,
  type TableColumn,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { addOutputOptions, outputFormat } from "../output/output-format.ts";
import { renderCsv, renderJson, renderTable } from "../output/render.ts";

const KINDS = ["chips", "systems", "fabrics"] as const;
type Kind = (typeof KINDS)[number];

const round = (x: number | undefined, digits = 1): number | null =>
  x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits;

function origin(o: { kind: string; file: string; extends?: string }): string {
  return `${o.kind === "builtin" ? "built-in" : o.file}${o.extends === undefined ? "" : ` (extends ${o.extends})`}`;
}

/**
 * One column of a catalog listing: its row key and cell in the machine view (JSON and CSV, SI
 * units), and its header and cell in the human view when the terminal table shows it (the cell
 * defaults to the machine one).
 */
interface CatalogColumn<T> {
  readonly key: string;
  readonly machine: (item: T) => TableCell;
  readonly human?: {
    readonly header: string;
    readonly align?: "right";
    readonly cell?: (item: T) => TableCell;
  };
}

function catalogTable<T>(
  items: readonly T[],
  columns: readonly CatalogColumn<T>[],
  human: boolean,
  title: string,
): Table {
  const shown = columns.flatMap((c): Array<{ column: TableColumn; cell: (item: T) => TableCell }> => {
    if (!human) return [{ column: { key: c.key, header: c.key }, cell: c.machine }];
    if (c.human === undefined) return [];
    const { header, align, cell = c.machine } = c.human;
    return [{ column: { key: c.key, header, ...(align === undefined ? {} : { align }) }, cell }];
  });
  const rows = items.map(
    (item): Record<string, TableCell> =>
      Object.fromEntries(shown.map(({ column, cell }) => [column.key, cell(item)])),
  );
  return makeTable(
    shown.map((s) => s.column),
    rows,
    { title },
  );
}

const CHIP_COLUMNS: readonly CatalogColumn<Chip>[] = [
  { key: "id", machine: (c) => c.id, human: { header: "id" } },
  { key: "name", machine: (c) => c.name, human: { header: "name" } },
  { key: "vendor", machine: (c) => c.vendor },
  { key: "kind", machine: (c) => c.kind },
  {
    key: "bf16FlopsPerS",
    machine: (c) => c.peakFlopsPerS.bf16?.value ?? null,
    human: {
      header: "BF16 TFLOPS",
      align: "right",
      cell: (c) => round(c.peakFlopsPerS.bf16 && c.peakFlopsPerS.bf16.value / 1e12),
    },
  },
  {
    key: "memoryBytes",
    machine: (c) => c.memory.capacityBytes.value,
    human: { header: "memory GB", align: "right", cell: (c) => round(c.memory.capacityBytes.value / 1e9, 0) },
  },
  {
    key: "memoryBytesPerS",
    machine: (c) => c.memory.bandwidthBytesPerS.value,
    human: {
      header: "memory TB/s",
      align: "right",
      cell: (c) => round(c.memory.bandwidthBytesPerS.value / 1e12, 2),
    },
  },
  {
    key: "scaleUpBytesPerS",
    machine: (c) => c.scaleUp?.bandwidthBytesPerSPerDirection.value ?? null,
    human: {
      header: "scale-up GB/s/dir",
      align: "right",
      cell: (c) => round(c.scaleUp && c.scaleUp.bandwidthBytesPerSPerDirection.value / 1e9, 0),
    },
  },
  { key: "tdpW", machine: (c) => c.tdpW?.value ?? null },
  { key: "origin", machine: (c) => origin(c.origin), human: { header: "origin" } },
];

interface SystemWithTotals {
  readonly s: System;
  readonly t: SystemTotals;
}

const SYSTEM_COLUMNS: readonly CatalogColumn<SystemWithTotals>[] = [
  { key: "id", machine: ({ s }) => s.id, human: { header: "id" } },
  { key: "name", machine: ({ s }) => s.name, human: { header: "name" } },
  { key: "vendor", machine: ({ s }) => s.vendor },
  { key: "chip", machine: ({ s }) => s.node.accelerator.chip.id },
  {
    key: "chips",
    machine: ({ t }) => t.chips.value,
    human: {
      header: "accelerators",
      align: "right",
      cell: ({ s, t }) => `${t.chips.value} × ${s.node.accelerator.chip.id}`,
    },
  },
  {
    key: "bf16FlopsPerS",
    machine: ({ t }) => t.peakFlopsPerS.bf16?.value ?? null,
    human: {
      header: "BF16 PFLOPS",
      align: "right",
      cell: ({ t }) => round(t.peakFlopsPerS.bf16 && t.peakFlopsPerS.bf16.value / 1e15),
    },
  },
  {
    key: "hbmBytes",
    machine: ({ t }) => t.hbmCapacityBytes.value,
    human: { header: "HBM TB", align: "right", cell: ({ t }) => round(t.hbmCapacityBytes.value / 1e12, 2) },
  },
  { key: "hbmBytesPerS", machine: ({ t }) => t.hbmBandwidthBytesPerS.value },
  {
    key: "powerW",
    machine: ({ t }) => t.powerW.value,
    human: {
      header: "power kW",
      align: "right",
      cell: ({ s, t }) => `${round(t.powerW.value / 1e3)} (${s.power.basis})`,
    },
  },
  { key: "powerBasis", machine: ({ s }) => s.power.basis },
  { key: "origin", machine: ({ s }) => origin(s.origin), human: { header: "origin" } },
];

function fabricsTable(fabrics: readonly ClusterFabric[], human: boolean): Table {
  const columns = ["id", "name", "technology", "tiers", "switchRadix", "linkBytesPerS", "railOptimized"].map(
    (key) => ({
      key,
      header: human && key === "linkBytesPerS" ? "link GB/s/dir" : key,
    }),
  );
  const rows = fabrics.map((f) => ({
    id: f.id ?? null,
    name: f.name ?? null,
    technology: f.technology,
    tiers: f.tiers.value,
    switchRadix: f.switchRadix.value,
    linkBytesPerS: human ? f.linkBandwidthBytesPerS.value / 1e9 : f.linkBandwidthBytesPerS.value,
    railOptimized: String(f.railOptimized),
  }));
  return makeTable(columns, rows, { title: "Cluster fabrics" });
}

function tableFor(catalog: Catalog, kind: Kind, human: boolean): Table {
  switch (kind) {
    case "chips":
      return catalogTable(catalog.chips(), CHIP_COLUMNS, human, "Chips");
    case "systems":
      return catalogTable(
        catalog.systems().map((s) => ({ s, t: systemTotals(s) })),
        SYSTEM_COLUMNS,
        human,
        "Systems",
      );
    case "fabrics":
      return fabricsTable(catalog.fabrics(), human);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("catalog")
    .description("list the built-in chips, systems and cluster fabrics (plus --hardware files)")
    .argument("[kind]", `one of ${KINDS.join(", ")} (default: all)`);
  addHardwareOption(command);
  addOutputOptions(command);
  command.action(
    (kind: string | undefined, options: { json?: boolean; csv?: boolean; hardware?: string[] }) => {
      const format = outputFormat(options);
      if (kind !== undefined && !(KINDS as readonly string[]).includes(kind))
        throw new SupernodeError(
          "usage",
          `unknown catalog kind "${kind}": expected one of ${KINDS.join(", ")}`,
        );
      const kinds: readonly Kind[] = kind === undefined ? KINDS : [kind as Kind];
      const catalog = loadCatalog(options);
      switch (format) {
        case "json":
          io.stdout.write(
            renderJson(Object.fromEntries(kinds.map((k) => [k, tableFor(catalog, k, false).rows]))),
          );
          return;
        case "csv":
          if (kinds.length !== 1)
            throw new SupernodeError(
              "usage",
              "--csv lists one kind at a time: add chips, systems or fabrics",
            );
          io.stdout.write(renderCsv(tableFor(catalog, kinds[0] ?? "systems", false)));
          return;
        case "table":
          io.stdout.write(kinds.map((k) => renderTable(tableFor(catalog, k, true))).join("\n"));
          return;
        default: {
          const unreachable: never = format;
          return unreachable;
        }
      }
    },
  );
}
