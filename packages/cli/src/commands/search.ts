/**
 * `supernode search <scenario> [--tpot-ms 50] [--ttft-ms t] [--top k] [--json] [--csv]
 * [--out-dir dir] [--simulate] [--set key=value]`: enumerate the deployments of the scenario's
 * decode (else colocated) group, prune what does not divide or fit, estimate the rest with the
 * step model and rank them by tokens/s per chip (or per kW, per dollar: `--rank`) under the SLOs. Prints the top configurations,
 * the counts evaluated and pruned per reason, and configurations per CPU-second; `--out-dir`
 * writes the winners as scenario files; `--simulate` re-checks them with the serving simulator.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  CHECK_ROUNDS,
  candidateYaml,
  type LaunchConfig,
  launchConfig,
  launchEngines,
  makeTable,
  parseScenarioSource,
  type SearchPoint,
  type SimulateCheck,
  SupernodeError,
  simulateCheck,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { collect, writeText } from "../output/files.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { enUs } from "../output/locale-number.ts";
import { renderCsv, renderJson, renderTable } from "../output/render.ts";
import { addSpaceOptions, runSearch, type SearchInputFlags, type SearchRun } from "../output/search-run.ts";
import { parseShape, runServing } from "../output/serving-run.ts";

interface SearchFlags extends SearchInputFlags {
  tpotMs: string;
  ttftMs?: string;
  top: string;
  json?: boolean;
  csv?: boolean;
  outDir?: string;
  simulate?: boolean;
  launch?: boolean;
  serving?: string;
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("search")
    .description("best deployments of a scenario's model on its system under TPOT/TTFT SLOs (docs/search.md)")
    .argument("<scenario>", "scenario file (YAML or JSON) whose decode or colocated group is searched")
    .option("--tpot-ms <ms>", "TPOT SLO in milliseconds", "50")
    .option("--ttft-ms <ms>", "TTFT SLO in milliseconds (where the scenario has a prefill group)")
    .option("--top <k>", "configurations to show (and to write or simulate)", "10")
    .option("--json", "print the search result as JSON (SI units)")
    .option("--csv", "print the top configurations as CSV")
    .option("--out-dir <dir>", "write the top configurations as scenario files there")
    .option("--simulate", "re-check the top configurations with the serving simulator")
    .option(
      "--launch",
      "print the launch commands of the best configuration (SGLang, vLLM, TensorRT-LLM; vLLM-Ascend on Ascend); with --out-dir, write them for every winner",
    )
    .option(
      "--serving <in/out>",
      "search the whole serving system for this request shape, e.g. 32768/1024: disaggregated prefill + decode (rate-matched) and colocated with chunked prefill (needs prefill and decode groups)",
    )
    .option("--set <key=value>", "override a field of the base scenario (repeatable)", collect, [])
    .option("--map-dtype <from=to>", "run one format as another, e.g. fp8=int8 (repeatable)", collect, []);
  addHardwareOption(addSpaceOptions(command)).action((file: string, flags: SearchFlags) => {
    const top = positive(flags.top, "--top", true);
    const tpotS = positive(flags.tpotMs, "--tpot-ms", false) / 1e3;
    const ttftS = flags.ttftMs !== undefined ? positive(flags.ttftMs, "--ttft-ms", false) / 1e3 : undefined;
    const slo = { tpotS, ...(ttftS !== undefined ? { ttftS } : {}) };
    if (flags.serving !== undefined) {
      runServing(file, flags, parseShape(flags.serving), slo, top, io);
      return;
    }
    const run = runSearch(file, flags, slo, io);
    const winners = run.result.ranked.slice(0, top);
    const checks = flags.simulate === true ? winners.map((p) => simulateWinner(run, p, flags)) : undefined;
    if (flags.outDir !== undefined) writeWinners(run, winners, flags.outDir, file, flags);
    if (flags.json === true) {
      const { points: _all, ranked, ...rest } = run.result;
      io.stdout.write(
        renderJson({
          ...rest,
          ranked: ranked.slice(0, top),
          cpuS: run.cpuS,
          configsPerCpuS: rate(run),
          checks,
        }),
      );
      return;
    }
    const table = winnersTable(winners, checks);
    if (flags.csv === true) {
      io.stdout.write(renderCsv(table));
      return;
    }
    io.stdout.write(`${renderTable(table)}\n${summaryLines(run, tpotS, ttftS).join("\n")}\n`);
    const best = winners[0];
    if (flags.launch === true && best !== undefined)
      io.stdout.write(`\n${launchText(winnerConfigs(run, best, flags))}`);
  });
}

function positive(text: string, flag: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new SupernodeError(
      "usage",
      `${flag} expects a positive ${integer ? "integer" : "number"}, got "${text}"`,
    );
  return n;
}

const RANK_TEXT = {
  "tokens-per-chip": "tokens/s per chip",
  "tokens-per-kw": "tokens/s per kW (facility power, energy layer)",
  "tokens-per-dollar": "tokens per dollar (TCO, energy layer)",
} as const;

const rate = (run: SearchRun) => (run.cpuS > 0 ? run.result.total / run.cpuS : 0);
const fmt = (x: number, digits = 0) => enUs(x, digits);

/**
 * The serving simulator on a winner (core `simulateCheck`): closed-loop users as many as the
 * searched group holds sequences (batch per chip × chips × instances), `CHECK_ROUNDS` requests
 * each, read in the steady window (every user in the system), with the whole-run figure beside it.
 */
function simulateWinner(run: SearchRun, p: SearchPoint, flags: SearchFlags): SimulateCheck {
  if (run.base.workload === undefined)
    throw new SupernodeError(
      "usage",
      `--simulate needs a workload section in ${run.doc.fileName} (docs/serving.md); the step model's figures need none`,
    );
  const role = run.result.space.role;
  const instances = run.base.deployment[role]?.instances ?? 1;
  const chips = p.candidate.chipsPerInstance * instances;
  const slots = p.candidate.batchPerChip * chips;
  const scenario = parseScenarioSource(run.doc, loadCatalog(flags), {
    overrides: [
      ...p.overrides,
      { path: ["workload", "arrival"], value: { kind: "closed-loop", concurrency: slots } },
      { path: ["workload", "requests"], value: CHECK_ROUNDS * slots },
    ],
  });
  return simulateCheck(scenario, slots, chips);
}

function winnersTable(winners: readonly SearchPoint[], checks: readonly SimulateCheck[] | undefined) {
  const columns = [
    { key: "rank", header: "#", align: "right" as const },
    { key: "deployment", header: "deployment" },
    { key: "tpotMs", header: "TPOT ms", align: "right" as const },
    { key: "ttftMs", header: "TTFT ms", align: "right" as const },
    { key: "tokensPerSPerChip", header: "tok/s/chip", align: "right" as const },
    { key: "tokensPerSPerUser", header: "tok/s/user", align: "right" as const },
    { key: "memoryGB", header: "mem/chip GB", align: "right" as const },
    { key: "tokensPerKw", header: "tok/s/kW", align: "right" as const },
    { key: "tokensPerDollar", header: "tok/$", align: "right" as const },
    ...(checks !== undefined
      ? [
          { key: "simTokensPerSPerChip", header: "sim tok/s/chip (steady)", align: "right" as const },
          { key: "simTpotMs", header: "sim TPOT p50 ms", align: "right" as const },
          { key: "simWholeRun", header: "sim tok/s/chip (whole run)", align: "right" as const },
        ]
      : []),
  ];
  const rows = winners.map((p, i) => ({
    rank: i + 1,
    deployment:
      p.prefillLimited !== undefined
        ? `${p.label} · prefill-limited (decode alone ${fmt(p.prefillLimited.decodeTokensPerSPerChip)})`
        : p.label,
    tpotMs: Number((p.tpotS * 1e3).toFixed(2)),
    ttftMs: p.ttftS !== undefined ? Number((p.ttftS * 1e3).toFixed(1)) : null,
    tokensPerSPerChip: Math.round(p.tokensPerSPerChip),
    tokensPerSPerUser: Number(p.tokensPerSPerUser.toFixed(1)),
    memoryGB: Number((p.memoryPerChipBytes / 1e9).toFixed(1)),
    tokensPerKw: Math.round(p.tokensPerKw),
    tokensPerDollar: p.tokensPerDollar !== undefined ? Math.round(p.tokensPerDollar) : null,
    ...(checks !== undefined
      ? {
          simTokensPerSPerChip: Math.round(checks[i]?.tokensPerSPerChip ?? 0),
          simTpotMs:
            checks[i]?.tpotP50S != null ? Number(((checks[i]?.tpotP50S ?? 0) * 1e3).toFixed(2)) : null,
          simWholeRun: Math.round(checks[i]?.wholeRunTokensPerSPerChip ?? 0),
        }
      : {}),
  }));
  return makeTable(columns, rows);
}

function summaryLines(run: SearchRun, tpotS: number, ttftS: number | undefined): string[] {
  const r = run.result;
  const slo = `TPOT ≤ ${fmt(tpotS * 1e3, 1)} ms${ttftS !== undefined ? `, TTFT ≤ ${fmt(ttftS * 1e3, 0)} ms` : ""}`;
  const prunedTotal = Object.values(r.pruned).reduce((a, b) => a + b, 0);
  const lines = [
    `${r.space.role} deployments of ${run.base.model.id} on ${run.base.system.name}, ranked by ${RANK_TEXT[r.rankBy]} under ${slo}${r.stopped ? " (stopped early: best so far)" : ""}`,
    `as written: ${fmt(r.base.tokensPerSPerChip)} tokens/s per chip at TPOT ${fmt(r.base.tpotS * 1e3, 2)} ms`,
    ...feedLines(r),
    `candidates: ${fmt(r.total)}; evaluated ${fmt(r.evaluated)} (${fmt(r.ranked.length)} meet the SLO, ${fmt(r.sloMisses.tpot)} miss TPOT, ${fmt(r.sloMisses.ttft)} miss TTFT); pruned ${fmt(prunedTotal)}:`,
    ...Object.entries(r.pruned)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `  ${fmt(n)}  ${reason}`),
    `${fmt(rate(run))} configurations per CPU-second (${fmt(run.cpuS, 1)} CPU-s; ${fmt(run.cpuS > 0 ? r.evaluated / run.cpuS : 0)} step-model estimates per CPU-second)`,
  ];
  if (r.ranked.length === 0) lines.push("no configuration meets the SLO");
  return lines;
}

/** The prefill pool a decode search kept, what it feeds, and how many points it limited. */
function feedLines(r: SearchRun["result"]): string[] {
  const f = r.prefillFeed;
  if (f === undefined) return [];
  const limited = r.points.filter((p) => p.prefillLimited !== undefined).length;
  return [
    `prefill pool as written: ${fmt(f.prefillChips)} chips at ${fmt(f.prefillTokensPerSPerChip)} prompt tokens/s per chip (${fmt(f.shape.inputTokens)}-token prompts) feed at most ${fmt(f.outputTokensPerS)} output tokens/s (${fmt(f.shape.outputTokens)}-token answers); ${fmt(limited)} decode points limited to that; TTFT ${fmt(f.ttftS * 1e3, 1)} ms, of which KV transfer ${fmt(f.kvTransferS * 1e3, 1)} ms`,
  ];
}

/** Launch configurations of a winner: the searched group, and a prefill pool the scenario keeps. */
function winnerConfigs(run: SearchRun, p: SearchPoint, flags: SearchFlags): LaunchConfig[] {
  const scenario = parseScenarioSource(run.doc, loadCatalog(flags), { overrides: p.overrides });
  const roles = [
    run.result.space.role,
    ...(run.result.space.role === "decode" && scenario.deployment.prefill !== undefined
      ? (["prefill"] as const)
      : []),
  ];
  return launchEngines(scenario).flatMap((engine) =>
    roles.map((role) => launchConfig(scenario, role, engine)),
  );
}

function launchText(configs: readonly LaunchConfig[]): string {
  const out: string[] = [];
  for (const c of configs) {
    out.push(`# ${c.engine}, ${c.role} instance`, c.command);
    for (const f of c.files) out.push(`# ${f.name}`, f.text.trimEnd());
    out.push("");
  }
  const notes = configs[0]?.assumptions ?? [];
  out.push("# The step model assumed (the engine must match):", ...notes.map((n) => `#  - ${n}`), "");
  return `${out.join("\n")}\n`;
}

function writeWinners(
  run: SearchRun,
  winners: readonly SearchPoint[],
  dir: string,
  file: string,
  flags: SearchFlags,
): void {
  mkdirSync(dir, { recursive: true });
  winners.forEach((p, i) => {
    const note = [
      `rank ${i + 1} of supernode search ${file}: ${p.label}`,
      `step model: ${fmt(p.tokensPerSPerChip)} tokens/s per chip, TPOT ${fmt(p.tpotS * 1e3, 2)} ms`,
      `run: supernode estimate <this file>`,
    ].join("\n");
    writeText(
      join(dir, `rank-${String(i + 1).padStart(2, "0")}.yaml`),
      candidateYaml(run.doc, p.overrides, note),
      "scenario file",
    );
    if (flags.launch === true)
      writeText(
        join(dir, `rank-${String(i + 1).padStart(2, "0")}-launch.sh`),
        launchText(winnerConfigs(run, p, flags)),
        "launch commands",
      );
  });
}
