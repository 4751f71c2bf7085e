/**
 * Benchmark of the deployment search (prints figures; not a test):
 *   node --import tsx bench/search.bench.ts [--full] [--prefill]
 * `searchDeployments` on examples/search-deepseek-r1-cloudmatrix384.yaml under TPOT <= 50 ms, in
 * process, one core: candidates per CPU-second (pruned ones included) and step-model estimates
 * per CPU-second. Default: a narrowed space (two chip counts); `--full` runs the default space.
 * `--prefill` also times the prefill pool's half of `search --serving` (`searchPrefill`, TTFT <= 5 s,
 * the prefill space `searchServing` derives from the same decode space).
 * Target (issue #12): >= 5,000 configurations per CPU-second.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  defaultPrefillSpace,
  defaultSearchSpace,
  parseScenarioSource,
  readSourceDocument,
  searchDeployments,
  searchPrefill,
} from "@supernode/core";

const file = "examples/search-deepseek-r1-cloudmatrix384.yaml";
const root = new URL("../", import.meta.url).pathname;
const doc = readSourceDocument(readFileSync(`${root}${file}`, "utf8"), file);
const base = parseScenarioSource(doc);
const full = process.argv.includes("--full");
const defaults = defaultSearchSpace(base);
const space = full ? defaults : { ...defaults, chipsPerInstance: [128, 160] };

// warm-up: the first estimate parses the built-in data and the efficiency profiles
searchDeployments(doc, base, { space: { ...space, chipsPerInstance: [160], batchPerChip: [96] } });

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = searchDeployments(doc, base, { space, slo: { tpotS: 0.05 } });
const wallS = (performance.now() - t0) / 1e3;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const pruned = Object.values(r.pruned).reduce((a, b) => a + b, 0);
const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
process.stdout.write(
  [
    `search ${file} (${full ? "default space" : "chips 128 and 160"}), TPOT <= 50 ms`,
    `  candidates ${fmt(r.total)}: evaluated ${fmt(r.evaluated)}, pruned ${fmt(pruned)}, ${fmt(r.ranked.length)} meet the SLO`,
    `  ${cpuS.toFixed(2)} CPU-s, ${wallS.toFixed(2)} s wall`,
    `  ${fmt(r.total / cpuS)} configurations per CPU-second (target >= 5,000); ${fmt(r.evaluated / cpuS)} step-model estimates per CPU-second`,
    `  best: ${r.ranked[0]?.label ?? "none"} — ${fmt(r.ranked[0]?.tokensPerSPerChip ?? 0)} tokens/s per chip at TPOT ${((r.ranked[0]?.tpotS ?? 0) * 1e3).toFixed(1)} ms`,
    // a change meant to be speed-only must leave this unchanged
    `  points sha1 ${createHash("sha1").update(JSON.stringify(r.points)).digest("hex").slice(0, 12)} (JSON of the search's points)`,
    "",
  ].join("\n"),
);

if (process.argv.includes("--prefill")) {
  const prefillSpace = defaultPrefillSpace(space);
  searchPrefill(doc, base, { ...prefillSpace, chipsPerInstance: [16], tokensPerChip: [4096] }); // warm-up
  const p0 = process.cpuUsage();
  const p = searchPrefill(doc, base, prefillSpace, { slo: { ttftS: 5 } });
  const pc = process.cpuUsage(p0);
  const prefillCpuS = (pc.user + pc.system) / 1e6;
  const prefillPruned = Object.values(p.pruned).reduce((a, b) => a + b, 0);
  process.stdout.write(
    [
      `prefill search (search --serving's prefill pool), TTFT <= 5 s`,
      `  candidates ${fmt(p.total)}: evaluated ${fmt(p.evaluated)}, pruned ${fmt(prefillPruned)}, ${fmt(p.ranked.length)} meet the SLO`,
      `  ${prefillCpuS.toFixed(2)} CPU-s: ${fmt(p.total / prefillCpuS)} configurations per CPU-second; ${fmt(p.evaluated / prefillCpuS)} step-model estimates per CPU-second`,
      `  best: ${p.ranked[0]?.label ?? "none"} — ${fmt(p.ranked[0]?.tokensPerSPerChip ?? 0)} input tokens/s per chip`,
      `  points sha1 ${createHash("sha1").update(JSON.stringify(p.points)).digest("hex").slice(0, 12)} (JSON of the prefill search's points)`,
      "",
    ].join("\n"),
  );
}
