/**
 * `supernode frontier <scenario...> [--json] [--csv] [--svg file] [--set key=value]`: the Pareto
 * frontier of tokens/s per chip against tokens/s per user (1 / TPOT) over the deployments
 * `search` enumerates, for one or more scenarios (systems) on one chart.
 * `supernode frontier --example <id>`: a published comparison run end to end (both serving
 * modes, the ratio at the stated interactivity and its factors; docs/search.md).
 */
import {
  FRONTIER_EXAMPLES,
  frontierExample,
  makeTable,
  paretoFrontier,
  runFrontierExample,
  type SearchPoint,
  SupernodeError,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { collect, writeText } from "../output/files.ts";
import { exampleJson, exampleText } from "../output/frontier-example-output.ts";
import { frontierSvg } from "../output/frontier-svg.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { runInterruptible } from "../output/interruptible.ts";
import { renderCsv, renderJson, renderTable } from "../output/render.ts";
import { addSpaceOptions, rankOption, runSearch, type SearchInputFlags } from "../output/search-run.ts";

interface FrontierFlags extends SearchInputFlags {
  json?: boolean;
  csv?: boolean;
  svg?: string;
  example?: string;
}

export interface FrontierSeries {
  readonly scenario: string;
  readonly system: string;
  readonly evaluated: number;
  readonly points: readonly SearchPoint[];
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("frontier")
    .description("Pareto frontier of tokens/s per chip vs tokens/s per user for one or more scenarios")
    .argument("[scenario...]", "scenario files (one frontier each, e.g. one per system)")
    .option(
      "--example <id>",
      `run a documented comparison: ${Object.keys(FRONTIER_EXAMPLES).join(" | ")} (docs/search.md)`,
    )
    .option("--json", "print the frontier points with their configurations as JSON")
    .option("--csv", "print the frontier points as CSV")
    .option("--svg <file>", "write the chart as SVG")
    .option("--set <key=value>", "override a field of every scenario (repeatable)", collect, [])
    .option("--map-dtype <from=to>", "run one format as another, e.g. fp8=int8 (repeatable)", collect, []);
  addHardwareOption(addSpaceOptions(command)).action((files: string[], flags: FrontierFlags) => {
    if (flags.example !== undefined) {
      runExample(flags.example, flags, io);
      return;
    }
    if (files.length === 0)
      throw new SupernodeError("usage", "frontier needs scenario files or --example <id>");
    const series: FrontierSeries[] = files.map((file) => {
      const run = runSearch(file, flags, {}, io);
      return {
        scenario: file,
        system: run.base.system.name,
        evaluated: run.result.evaluated,
        points: paretoFrontier(run.result.points),
      };
    });
    if (flags.svg !== undefined) writeText(flags.svg, frontierSvg(series), "SVG chart");
    if (flags.json === true) {
      io.stdout.write(
        renderJson(
          series.map((s) => ({
            ...s,
            points: s.points.map(({ overrides: _o, ...p }) => p),
          })),
        ),
      );
      return;
    }
    const table = makeTable(
      [
        { key: "system", header: "system" },
        { key: "tokensPerSPerUser", header: "tok/s/user", align: "right" },
        { key: "tokensPerSPerChip", header: "tok/s/chip", align: "right" },
        { key: "tpotMs", header: "TPOT ms", align: "right" },
        { key: "deployment", header: "deployment" },
      ],
      series.flatMap((s) =>
        s.points.map((p) => ({
          system: s.system,
          tokensPerSPerUser: Number(p.tokensPerSPerUser.toFixed(1)),
          tokensPerSPerChip: Math.round(p.tokensPerSPerChip),
          tpotMs: Number((p.tpotS * 1e3).toFixed(2)),
          deployment: p.label,
        })),
      ),
    );
    io.stdout.write(flags.csv === true ? renderCsv(table) : renderTable(table));
  });
}

function runExample(id: string, flags: FrontierFlags, io: CliIo): void {
  const example = frontierExample(id);
  const { value: result, cpuS } = runInterruptible(io, (shouldStop) =>
    runFrontierExample(example, {
      catalog: loadCatalog(flags),
      rankBy: rankOption(flags.rank),
      shouldStop,
      ...(io.stderr.isTTY
        ? {
            onSeries: (label: string, i: number, n: number) =>
              io.stderr.write(`\rsearching ${i + 1}/${n}: ${label}\x1b[K`),
          }
        : {}),
    }),
  );
  if (flags.svg !== undefined)
    writeText(
      flags.svg,
      frontierSvg(
        [...result.series, ...result.variants].map((s) => ({
          system: s.label,
          scenario: s.id,
          points: s.result.frontier,
        })),
      ),
      "SVG chart",
    );
  io.stdout.write(flags.json === true ? renderJson(exampleJson(result, cpuS)) : exampleText(result, cpuS));
}
