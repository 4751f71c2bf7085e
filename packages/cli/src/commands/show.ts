/**
 * `supernode show <id>` — every field of a chip, system or cluster fabric with its value, evidence
 * tag, sources, notes and alternatives (per-die figures for the 910C; derived totals for systems).
 * Prefix `chip:`, `system:` or `fabric:` when an id is ambiguous; `cluster:<system>x<N>[@<fabric>]`
 * shows a cluster of N systems.
 */
import {
  builtinModel,
  builtinModelIds,
  type Catalog,
  DTYPES,
  describeChip,
  describeCluster,
  describeEfficiency,
  describeFabric,
  describeSystem,
  didYouMean,
  efficiencyProfileForChip,
  type FieldRow,
  type ModelArchitecture,
  makeTable,
  SupernodeError,
  type TableCell,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { formatQuantity } from "../output/format-quantity.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { addOutputOptions, outputFormat } from "../output/output-format.ts";
import { renderCsv, renderJson } from "../output/render.ts";
import { SourceNotes } from "../output/source-notes.ts";
import { showModel } from "./model.ts";

type Kind = "chip" | "system" | "fabric" | "cluster";

interface Found {
  readonly kind: Kind;
  readonly id: string;
  readonly title: string;
  readonly rows: FieldRow[];
}

function find(catalog: Catalog, wanted: string): Found {
  const cluster = /^cluster:([a-z0-9-]+)x([0-9]+)(?:@([a-z0-9-]+))?$/.exec(wanted);
  if (cluster) {
    const [, system = "", count = "", fabric] = cluster;
    const spec = { system, count: Number(count), ...(fabric === undefined ? {} : { fabric }) };
    const built = catalog.cluster(spec);
    return {
      kind: "cluster",
      id: built.id,
      title: `${built.systems} × ${built.system.name} on ${built.fabric.name ?? built.fabric.id} — cluster ${built.id}`,
      rows: describeCluster(built),
    };
  }
  if (wanted.startsWith("cluster:"))
    throw new SupernodeError(
      "usage",
      `cluster ids look like cluster:<system>x<count>[@<fabric>], e.g. cluster:gb200-nvl72x8@ib-ndr-fat-tree; got "${wanted}"`,
    );
  const match = /^(chip|system|fabric):(.+)$/.exec(wanted);
  const kinds: ReadonlyArray<Exclude<Kind, "cluster">> = match
    ? [match[1] as Exclude<Kind, "cluster">]
    : ["system", "chip", "fabric"];
  const id = match ? (match[2] ?? "") : wanted;
  const ids: Record<Exclude<Kind, "cluster">, string[]> = {
    chip: catalog.chips().map((c) => c.id),
    system: catalog.systems().map((s) => s.id),
    fabric: catalog.fabrics().flatMap((f) => (f.id === undefined ? [] : [f.id])),
  };
  for (const kind of kinds) {
    if (!ids[kind].includes(id)) continue;
    switch (kind) {
      case "chip": {
        const chip = catalog.chip(id);
        const rows = describeChip(chip);
        if (chip.kind === "accelerator") {
          const dtypes = DTYPES.filter((d) => chip.peakFlopsPerS[d] !== undefined);
          const lookup = (parent: string) =>
            catalog.chips().some((c) => c.id === parent) ? catalog.chip(parent) : undefined;
          rows.push(...describeEfficiency(efficiencyProfileForChip(chip, lookup), dtypes));
        }
        return { kind, id, title: `${chip.name} — chip ${id}`, rows };
      }
      case "system": {
        const system = catalog.system(id);
        return { kind, id, title: `${system.name} — system ${id}`, rows: describeSystem(system) };
      }
      case "fabric": {
        const fabric = catalog.fabric(id);
        return {
          kind,
          id,
          title: `${fabric.name ?? id} — cluster fabric ${id}`,
          rows: describeFabric(fabric),
        };
      }
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  }
  const all = kinds.flatMap((k) => ids[k]);
  throw new SupernodeError("unknown-id", `unknown id "${wanted}". ${didYouMean(id, all)}`);
}

function cell(row: FieldRow): TableCell {
  return typeof row.value === "object" ? row.value.value : String(row.value);
}

function text(found: Found): string {
  const notes = new SourceNotes();
  const width = Math.max(...found.rows.map((r) => r.path.length));
  const lines = [found.title, ""];
  for (const row of found.rows) {
    if (typeof row.value !== "object") {
      lines.push(`${row.path.padEnd(width)}  ${String(row.value)}`);
      continue;
    }
    const v = row.value;
    const unit = row.unit === "text" ? "count" : row.unit;
    const cite = notes.cite(v.sources);
    lines.push(
      `${row.path.padEnd(width)}  ${formatQuantity(v.value, unit)}  (${v.tag})${cite === "" ? "" : ` ${cite}`}`,
    );
    const indent = " ".repeat(width + 4);
    if (v.note !== undefined) lines.push(`${indent}${v.note}`);
    for (const alt of v.alternatives ?? [])
      lines.push(
        `${indent}alternative: ${formatQuantity(alt.value, unit)} ${notes.cite(alt.sources)} ${alt.note ?? ""}`.trimEnd(),
      );
  }
  lines.push("", "Sources:", ...notes.footnotes());
  return `${lines.join("\n")}\n`;
}

/** A zoo model for `model:<id>`, or for an id no chip, system or fabric has. */
function zooModelFor(catalog: Catalog, wanted: string): ModelArchitecture | undefined {
  const explicit = wanted.startsWith("model:");
  const id = (explicit ? wanted.slice("model:".length) : wanted).trim().toLowerCase();
  if (explicit) return builtinModel(id);
  const hardware = [...catalog.chips(), ...catalog.systems(), ...catalog.fabrics()].some((d) => d.id === id);
  return !hardware && builtinModelIds().includes(id) ? builtinModel(id) : undefined;
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("show")
    .description("print every field of a chip, system, cluster fabric or zoo model with its source")
    .argument(
      "<id>",
      "a chip, system or fabric id (optionally prefixed chip:, system:, fabric:), cluster:<system>x<N>[@<fabric>], or a zoo model id (model:<id>)",
    );
  addHardwareOption(command);
  addOutputOptions(command);
  command.action((wanted: string, options: { json?: boolean; csv?: boolean; hardware?: string[] }) => {
    const format = outputFormat(options);
    const catalog = loadCatalog(options);
    const model = zooModelFor(catalog, wanted);
    if (model !== undefined) {
      if (format === "csv")
        throw new SupernodeError("usage", `show ${wanted}: a model has no CSV form; use --json or the table`);
      io.stdout.write(showModel(model, format === "json"));
      return;
    }
    const found = find(catalog, wanted);
    switch (format) {
      case "json":
        io.stdout.write(
          renderJson({
            format: "supernode.show/v1",
            kind: found.kind,
            id: found.id,
            fields: found.rows.map((r) =>
              typeof r.value === "object"
                ? { path: r.path, unit: r.unit, ...r.value }
                : { path: r.path, unit: r.unit, value: r.value },
            ),
          }),
        );
        return;
      case "csv":
        io.stdout.write(
          renderCsv(
            makeTable(
              ["path", "value", "unit", "tag", "sources", "note"].map((key) => ({ key, header: key })),
              found.rows.map((r) => ({
                path: r.path,
                value: cell(r),
                unit: r.unit,
                tag: typeof r.value === "object" ? r.value.tag : null,
                sources: typeof r.value === "object" ? r.value.sources.map((s) => s.url).join(" ") : null,
                note: typeof r.value === "object" ? (r.value.note ?? null) : null,
              })),
            ),
          ),
        );
        return;
      case "table":
        io.stdout.write(text(found));
        return;
      default: {
        const unreachable: never = format;
        return unreachable;
      }
    }
  });
}
