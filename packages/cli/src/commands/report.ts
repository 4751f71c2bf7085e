/**
 * `supernode report <scenario...> [--out file.html] [--slo-ms 50] [--set key=value] [--hardware f]`:
 * writes ONE self-contained HTML report (inline SVG charts, no network needed to open it) with the
 * scenarios' systems compared with sources, serving throughput with energy and cost, the decode
 * point at the TPOT SLO, published reference points and the model's error, step-time breakdowns
 * and the power and cost assumptions; prints where the file is. `npm start` runs it on the
 * CloudMatrix384 and GB200 NVL72 DeepSeek-R1 decode examples.
 */
import { resolve } from "node:path";
import { buildServingReport, parseOverride, SupernodeError } from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { collect, readText, writeText } from "../output/files.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { renderJson } from "../output/render.ts";
import { renderHtmlReport } from "../report/html-report.ts";

export const DEFAULT_REPORT_FILE = "supernode-report.html";

interface ReportFlags {
  out: string;
  sloMs: string;
  set: string[];
  hardware: string[];
  title?: string;
  json?: boolean;
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("report")
    .description(
      "write one self-contained HTML report (comparison, serving, energy and cost, errors, breakdowns)",
    )
    .argument("<scenario...>", "scenario files (YAML or JSON); see docs/scenario.md and examples/")
    .option("--out <file>", "where to write the HTML report", DEFAULT_REPORT_FILE)
    .option("--slo-ms <ms>", "TPOT SLO for the decode operating point (ms)", "50")
    .option("--title <text>", "report title")
    .option(
      "--json",
      "also print the report's serving points and assumptions as JSON (SI units) instead of the summary",
    )
    .option("--set <key=value>", "override a field in every scenario (repeatable)", collect, []);
  addHardwareOption(command).action((files: string[], flags: ReportFlags) => {
    const sloMs = Number(flags.sloMs);
    if (!Number.isFinite(sloMs) || sloMs <= 0)
      throw new SupernodeError(
        "usage",
        `--slo-ms expects a positive number of milliseconds, got "${flags.sloMs}"`,
      );
    const inputs = files.map((file) => ({ text: readText(file, "scenario file"), fileName: file }));
    const report = buildServingReport(inputs, {
      sloS: sloMs / 1000,
      catalog: loadCatalog(flags),
      overrides: flags.set.map(parseOverride),
    });
    const title = flags.title ?? "Supernode report: DeepSeek-R1 serving, energy and cost";
    writeText(flags.out, renderHtmlReport(report, { title, scenarios: files }), "the HTML report");
    if (flags.json === true) {
      io.stdout.write(
        renderJson({
          out: resolve(flags.out),
          sloS: report.sloS,
          points: report.points,
          references: report.references,
          systems: report.systems,
        }),
      );
      return;
    }
    for (const p of report.points.filter((x) => x.phase === "decode")) {
      const e = p.energy;
      const usd = e.usdPerMillionOutputTokens?.value;
      io.stdout.write(
        `${p.systemName} decode (${p.point}; ${p.operatingPoint}, TPOT ${(p.latencyS * 1e3).toFixed(1)} ms): ${Math.round(p.tokensPerSPerChip).toLocaleString("en-US")} tokens/s per chip, ${Math.round(e.wattsPerChip.value).toLocaleString("en-US")} W per chip at the facility, ${(e.joulesPerOutputToken?.value ?? 0).toPrecision(3)} J per output token${usd !== undefined ? `, $${usd.toPrecision(3)} per million output tokens` : ""}\n`,
      );
    }
    io.stdout.write(`Report written to ${resolve(flags.out)}\n`);
  });
}
