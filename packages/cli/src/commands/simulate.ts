/**
 * `supernode simulate <scenario.yaml> [--requests N | --duration S] [--seed K] [--json]
 * [--csv out.csv] [--timeseries out.csv] [--trace out.json] [--set key=value] [--map-dtype from=to]
 * [--max-rate [--percentile P]]`: the request-level
 * serving simulation of a scenario with a `workload` section. A progress bar is drawn on a
 * terminal (never when stdout is piped or with --json); the summary (latency percentiles,
 * throughput per chip, goodput and SLO attainment, KV and prefix-cache use) is printed at the end.
 */
import { dirname, resolve } from "node:path";
import {
  estimate,
  type LatencyStats,
  PERCENTILE_RELATIVE_ERROR,
  parseOverride,
  parseScenario,
  REQUEST_CSV_HEADER,
  RequestJsonFormatter,
  type RequestRecord,
  requestCsvRow,
  type SimulationResult,
  SupernodeError,
  simulate,
  simulationEnergy,
  timeSeriesToCsv,
  toChromeTrace,
  type WorkloadSpec,
} from "@supernode/core";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { ChunkedWriter, fileWriter } from "../output/chunked-writer.ts";
import { parseDtypeMapping } from "../output/dtype-mapping.ts";
import { energyLine } from "../output/energy-text.ts";
import { collect, modelConfigReader, readText, writeText } from "../output/files.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { enUs } from "../output/locale-number.ts";
import { printMaxRate } from "./simulate-rate.ts";

interface SimulateFlags {
  requests?: string;
  duration?: string;
  seed?: string;
  json?: boolean;
  csv?: string;
  timeseries?: string;
  trace?: string;
  set: string[];
  mapDtype: string[];
  hardware: string[];
  maxRate?: boolean;
  percentile?: string;
}

function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value)) ||
    (flag !== "--seed" && value === 0)
  )
    throw new SupernodeError(
      "usage",
      `${flag} expects a ${integer ? "whole " : ""}number${flag === "--seed" ? " ≥ 0" : " > 0"}, got "${text}"`,
    );
  return value;
}

/** Files the workload names (trace, histograms), read relative to the scenario file. */
export function workloadFiles(workload: WorkloadSpec | undefined, scenarioFile: string): Map<string, string> {
  const files = new Map<string, string>();
  if (workload === undefined) return files;
  const add = (path: string | undefined, what: string) => {
    if (path !== undefined && !files.has(path))
      files.set(path, readText(resolve(dirname(scenarioFile), path), what));
  };
  if (workload.arrival.kind === "trace") add(workload.arrival.file, "trace file");
  for (const lengths of [workload.promptTokens, workload.outputTokens])
    if (lengths?.kind === "histogram") add(lengths.file, "histogram file");
  return files;
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("simulate")
    .description("request-level serving simulation: TTFT, TPOT, latency percentiles, throughput, goodput")
    .argument("<scenario>", "scenario file with a workload section (see docs/serving.md)")
    .option("--requests <n>", "requests to send (overrides workload.requests)")
    .option("--duration <seconds>", "simulated seconds during which requests arrive (then the run drains)")
    .option("--seed <k>", "random seed (overrides workload.seed)")
    .option(
      "--json",
      "print the whole result as JSON (SI units); per-request records stream first, one per line, as they finish",
    )
    .option("--csv <file>", "write one row per request to this CSV file (in the order requests finish)")
    .option("--timeseries <file>", "write the queue-length / KV-use time series to this CSV file")
    .option("--trace <file>", "write a Chrome-trace / Perfetto timeline of every instance to this JSON file")
    .option(
      "--set <key=value>",
      "override a scenario field, e.g. workload.arrival.ratePerS=80 (repeatable)",
      collect,
      [],
    )
    .option(
      "--map-dtype <from=to>",
      "run one format as another, e.g. fp4=int8 or fp8=int8 on the Ascend 910C (repeatable)",
      collect,
      [],
    )
    .option(
      "--max-rate",
      "search the highest Poisson rate whose p99 TTFT and TPOT meet serving.slo (MLPerf Server; docs/serving.md)",
    )
    .option("--percentile <p>", "with --max-rate: the percentile the limits apply to (default 99)");
  addHardwareOption(command).action((file: string, flags: SimulateFlags) => {
    if (flags.requests !== undefined && flags.duration !== undefined)
      throw new SupernodeError("usage", "give either --requests or --duration, not both");
    const requests = positiveNumber(flags.requests, "--requests", true);
    const durationS = positiveNumber(flags.duration, "--duration", false);
    const seed = positiveNumber(flags.seed, "--seed", true);
    const scenario = parseScenario(readText(file, "scenario file"), file, loadCatalog(flags), {
      overrides: flags.set.map(parseOverride),
      dtypeMapping: parseDtypeMapping(flags.mapDtype),
      readFile: modelConfigReader(file),
    });
    const files = workloadFiles(scenario.workload, file);
    if (flags.maxRate === true)
      return printMaxRate(io, scenario, files, flags, {
        ...(requests !== undefined ? { requests } : {}),
        ...(seed !== undefined ? { seed } : {}),
      });
    if (flags.percentile !== undefined)
      throw new SupernodeError("usage", "--percentile goes with --max-rate");
    const total = requests ?? scenario.workload?.requests;
    const showBar = io.stdout.isTTY && flags.json !== true;
    const bar = showBar
      ? new cliProgress.SingleBar(
          { format: "simulating [{bar}] {value}/{total} {unit} | simulated {sim} s", hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
    const barTotal = durationS ?? (total === undefined ? (scenario.workload?.durationS ?? 0) : total);
    const unit =
      total !== undefined && durationS === undefined ? "requests finished" : "simulated s of arrivals";
    bar?.start(Math.round(barTotal), 0, { unit, sim: "0" });
    const records = recordSinks(io, flags);
    const result = simulate(scenario, {
      files,
      ...(requests !== undefined ? { requests } : {}),
      ...(durationS !== undefined ? { durationS } : {}),
      ...(seed !== undefined ? { seed } : {}),
      // Per-request records stream to --csv and --json as requests finish; none are kept in memory.
      recordRequests: false,
      ...(records !== undefined ? { onRequest: records.onRequest } : {}),
      ...(bar !== undefined
        ? {
            onProgress: (p) => {
              const value = unit === "requests finished" ? p.finished : Math.min(barTotal, p.simTimeS);
              bar.update(Math.round(value), { sim: p.simTimeS.toFixed(1) });
            },
          }
        : {}),
    });
    bar?.stop();
    const energy = simulationEnergy(scenario, estimate(scenario), result);
    records?.close({ ...result, energy });
    if (flags.timeseries !== undefined)
      writeText(flags.timeseries, timeSeriesToCsv(result), "time-series CSV");
    if (flags.trace !== undefined)
      writeText(flags.trace, JSON.stringify(toChromeTrace(result)), "trace file");
    if (flags.json !== true)
      io.stdout.write(
        `${renderSummary(scenario.name, result)}Energy and cost (all chips, docs/energy.md):\n${energyLine("total", energy.total)}\n`,
      );
  });
}

/**
 * Where streamed request records go: `--csv` rows, and with `--json` the opening of the result
 * document and its `requests` array (one record per line); `close` ends both, printing the rest of
 * the result (summary, instances, time series, trace) after the array.
 */
function recordSinks(
  io: CliIo,
  flags: SimulateFlags,
): { onRequest(record: RequestRecord): void; close(result: object): void } | undefined {
  const csv = flags.csv !== undefined ? fileWriter(flags.csv, "request CSV") : undefined;
  const json = flags.json === true ? new ChunkedWriter((text) => io.stdout.write(text)) : undefined;
  if (csv === undefined && json === undefined) return undefined;
  csv?.writer.write(`${REQUEST_CSV_HEADER}\n`);
  let records = 0; // the document opens with the first record, so a failed run prints no JSON
  const lines = new RequestJsonFormatter();
  return {
    onRequest(record) {
      csv?.writer.write(`${requestCsvRow(record)}\n`);
      json?.write(`${records++ === 0 ? '{\n  "requests": [\n    ' : ",\n    "}${lines.line(record)}`);
    },
    close(result) {
      csv?.close();
      if (json === undefined) return;
      const rest = JSON.stringify(result, null, 2).slice(1); // without the opening brace
      json.write(`${records === 0 ? '{\n  "requests": [' : "\n  "}],${rest}\n`);
      json.flush();
    },
  };
}

const ms = (s: number) => enUs(s * 1e3, 1);
const num = (x: number, digits = 0) => enUs(x, digits);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function latencyRow(name: string, s: LatencyStats): string[] {
  return [name, ms(s.mean), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)];
}

/** The end-of-run summary for the terminal. */
function renderSummary(name: string, result: SimulationResult): string {
  const s = result.summary;
  const c = result.config;
  const lines: string[] = [];
  lines.push(`${name}: ${c.mode} serving, router ${c.router}, seed ${c.seed}`);
  const dropped = Object.entries(s.requests.droppedByReason)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${num(n)} ${reason}`)
    .join(", ");
  lines.push(
    `requests: ${num(s.requests.arrived)} arrived, ${num(s.requests.completed)} completed, ${num(s.requests.dropped)} dropped${dropped === "" ? "" : ` (${dropped})`}; simulated ${num(s.simulatedS, 1)} s`,
  );
  const latency = new Table({
    head: ["latency (ms)", "mean", "p50", "p90", "p99", "max"],
    colAligns: ["left", "right", "right", "right", "right", "right"],
    style: { head: [], border: [] },
  });
  latency.push(
    latencyRow("TTFT", s.ttftS),
    latencyRow("TPOT", s.tpotS),
    latencyRow("ITL (per token)", s.itlS),
    latencyRow("end-to-end", s.e2eS),
    latencyRow("queueing", s.queueDelayS),
  );
  lines.push(
    latency.toString(),
    `(percentiles from a DDSketch, within ±${PERCENTILE_RELATIVE_ERROR * 100} % of the exact values; mean and max exact)`,
  );
  const t = s.throughput;
  lines.push(
    `throughput: ${num(t.requestsPerS, 2)} requests/s; input ${num(t.inputTokensPerS)} tokens/s (${num(t.inputTokensPerSPerChip)} per chip); output ${num(t.outputTokensPerS)} tokens/s (${num(t.outputTokensPerSPerChip)} per chip); ${t.chips} chips`,
  );
  if (s.slo.ttftS !== null || s.slo.tpotS !== null) {
    const limits = [
      s.slo.ttftS !== null ? `TTFT ≤ ${ms(s.slo.ttftS)} ms` : "",
      s.slo.tpotS !== null ? `TPOT ≤ ${ms(s.slo.tpotS)} ms` : "",
    ]
      .filter((x) => x !== "")
      .join(", ");
    lines.push(
      `SLO (${limits}): attainment ${pct(s.slo.attainment)}; goodput ${num(s.slo.goodputRequestsPerS, 2)} requests/s, ${num(s.slo.goodputOutputTokensPerS)} output tokens/s`,
    );
  }
  if (s.prefixCache.eligibleTokens > 0)
    lines.push(
      `prefix cache: hit rate ${pct(s.prefixCache.hitRate)} (HBM ${num(s.prefixCache.hbmHitTokens)}, pool ${num(s.prefixCache.poolHitTokens)} of ${num(s.prefixCache.eligibleTokens)} shared tokens); prefill computed ${num(s.prefill.computedTokens)} of ${num(s.prefill.requestedTokens)} tokens`,
    );
  if (s.preemptions.recompute + s.preemptions.swap > 0)
    lines.push(`preemptions: ${num(s.preemptions.recompute)} recompute, ${num(s.preemptions.swap)} swap`);
  const instances = new Table({
    head: ["instance", "role", "chips", "busy", "mean KV use", "peak KV use", "max batch", "iterations"],
    colAligns: ["right", "left", "right", "right", "right", "right", "right", "right"],
    style: { head: [], border: [] },
  });
  for (const i of result.instances)
    instances.push([
      String(i.id),
      i.role,
      String(i.chips),
      pct(i.busyFraction),
      pct(i.meanKvUse),
      pct(i.peakKvUse),
      i.maxBatchSequences >= 2 ** 31 - 1 ? "KV-bound" : num(i.maxBatchSequences),
      num(i.iterations),
    ]);
  lines.push(instances.toString());
  if (c.kvTransfer !== null) lines.push(`KV transfer: ${c.kvTransfer}`);
  if (c.pooledTier !== null) lines.push(`pooled tier: ${c.pooledTier}`);
  if (c.mtp.draftTokens > 0)
    lines.push(
      `MTP: ${c.mtp.draftTokens} draft token(s), acceptance ${pct(c.mtp.acceptance)}, sampled ${c.mtp.sampling}`,
    );
  lines.push(
    `engine: ${num(s.engine.events)} events, ${num(s.engine.iterations)} iterations, ${num(s.engine.decodeSteps)} decode steps`,
  );
  return `${lines.join("\n")}\n`;
}
