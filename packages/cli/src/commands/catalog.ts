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
  systemTotals,
  type Table,
  type TableCell,
} from "@supernode/core";
import type { Command } from "commander";
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

function chipsTable(chips: readonly Chip[], human: boolean): Table {
  const columns = human
    ? [
        { key: "id", header: "id" },
        { key: "name", header: "name" },
        { key: "bf16", header: "BF16 TFLOPS", align: "right" as const },
        { key: "memory", header: "memory GB", align: "right" as const },
        { key: "bandwidth", header: "memory TB/s", align: "right" as const },
        { key: "scaleUp", header: "scale-up GB/s/dir", align: "right" as const },
        { key: "origin", header: "origin" },
      ]
    : [
        "id",
        "name",
        "vendor",
        "kind",
        "bf16FlopsPerS",
        "memoryBytes",
        "memoryBytesPerS",
        "scaleUpBytesPerS",
        "tdpW",
        "origin",
      ].map((key) => ({ key, header: key }));
  const rows = chips.map(
    (c): Record<string, TableCell> =>
      human
        ? {
            id: c.id,
            name: c.name,
            bf16: round(c.peakFlopsPerS.bf16 && c.peakFlopsPerS.bf16.value / 1e12),
            memory: round(c.memory.capacityBytes.value / 1e9, 0),
            bandwidth: round(c.memory.bandwidthBytesPerS.value / 1e12, 2),
            scaleUp: round(c.scaleUp && c.scaleUp.bandwidthBytesPerSPerDirection.value / 1e9, 0),
            origin: origin(c.origin),
          }
        : {
            id: c.id,
            name: c.name,
            vendor: c.vendor,
            kind: c.kind,
            bf16FlopsPerS: c.peakFlopsPerS.bf16?.value ?? null,
            memoryBytes: c.memory.capacityBytes.value,
            memoryBytesPerS: c.memory.bandwidthBytesPerS.value,
            scaleUpBytesPerS: c.scaleUp?.bandwidthBytesPerSPerDirection.value ?? null,
            tdpW: c.tdpW?.value ?? null,
            origin: origin(c.origin),
          },
  );
  return makeTable(columns, rows, { title: "Chips" });
}

function systemsTable(systems: readonly System[], human: boolean): Table {
  const columns = human
    ? [
        { key: "id", header: "id" },
        { key: "name", header: "name" },
        { key: "chips", header: "accelerators", align: "right" as const },
        { key: "bf16", header: "BF16 PFLOPS", align: "right" as const },
        { key: "hbm", header: "HBM TB", align: "right" as const },
        { key: "power", header: "power kW", align: "right" as const },
        { key: "origin", header: "origin" },
      ]
    : [
        "id",
        "name",
        "vendor",
        "chip",
        "chips",
        "bf16FlopsPerS",
        "hbmBytes",
        "hbmBytesPerS",
        "powerW",
        "powerBasis",
        "origin",
      ].map((key) => ({ key, header: key }));
  const rows = systems.map((s): Record<string, TableCell> => {
    const t = systemTotals(s);
    return human
      ? {
          id: s.id,
          name: s.name,
          chips: `${t.chips.value} × ${s.node.accelerator.chip.id}`,
          bf16: round(t.peakFlopsPerS.bf16 && t.peakFlopsPerS.bf16.value / 1e15),
          hbm: round(t.hbmCapacityBytes.value / 1e12, 2),
          power: `${round(t.powerW.value / 1e3)} (${s.power.basis})`,
          origin: origin(s.origin),
        }
      : {
          id: s.id,
          name: s.name,
          vendor: s.vendor,
          chip: s.node.accelerator.chip.id,
          chips: t.chips.value,
          bf16FlopsPerS: t.peakFlopsPerS.bf16?.value ?? null,
          hbmBytes: t.hbmCapacityBytes.value,
          hbmBytesPerS: t.hbmBandwidthBytesPerS.value,
          powerW: t.powerW.value,
          powerBasis: s.power.basis,
          origin: origin(s.origin),
        };
  });
  return makeTable(columns, rows, { title: "Systems" });
}

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
    tiers: f.tiers,
    switchRadix: f.switchRadix,
    linkBytesPerS: human ? f.linkBandwidthBytesPerS.value / 1e9 : f.linkBandwidthBytesPerS.value,
    railOptimized: String(f.railOptimized),
  }));
  return makeTable(columns, rows, { title: "Cluster fabrics" });
}

function tableFor(catalog: Catalog, kind: Kind, human: boolean): Table {
  switch (kind) {
    case "chips":
      return chipsTable(catalog.chips(), human);
    case "systems":
      return systemsTable(catalog.systems(), human);
    case "fabrics":
      return fabricsTable(catalog.fabrics(), human);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export function register(program: Command): void {
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
          process.stdout.write(
            renderJson(Object.fromEntries(kinds.map((k) => [k, tableFor(catalog, k, false).rows]))),
          );
          return;
        case "csv":
          if (kinds.length !== 1)
            throw new SupernodeError(
              "usage",
              "--csv lists one kind at a time: add chips, systems or fabrics",
            );
          process.stdout.write(renderCsv(tableFor(catalog, kinds[0] ?? "systems", false)));
          return;
        case "table":
          process.stdout.write(kinds.map((k) => renderTable(tableFor(catalog, k, true))).join("\n"));
          return;
        default: {
          const unreachable: never = format;
          return unreachable;
        }
      }
    },
  );
}
