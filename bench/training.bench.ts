/**
 * Benchmark of the training model (prints figures; not a test):
 *   node --import tsx bench/training.bench.ts
 * One `train` estimate in process (parse once, then `trainEstimate` on the parsed scenario) for
 * each training example: target < 10 ms per estimate once the built-in data is loaded. The first
 * call (which also parses the catalog, the efficiency profiles and the model) is printed apart.
 * CPU time (user + system) is printed beside wall time: on a shared machine it is the fairer figure.
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseTrainingScenario, trainEstimate, trainReport } from "@supernode/core";

const root = new URL("../", import.meta.url).pathname;
const files = readdirSync(`${root}examples`)
  .filter((f) => f.startsWith("training-") && f.endsWith(".yaml"))
  .sort();

function timed(run: () => void, repeats: number): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) run();
  const wallMs = (performance.now() - t0) / repeats;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 / repeats };
}

const fmt = (x: number) => x.toFixed(2).padStart(7);
process.stdout.write("training estimate, in process (ms per estimate; wall / CPU)\n");
let first = true;
for (const file of files) {
  const text = readFileSync(`${root}examples/${file}`, "utf8");
  const scenario = parseTrainingScenario(text, `examples/${file}`);
  if (first) {
    const cold = timed(() => trainEstimate(scenario), 1);
    process.stdout.write(`first call (loads built-in data): ${fmt(cold.wallMs)} / ${fmt(cold.cpuMs)}\n`);
    first = false;
  }
  const warm = timed(() => trainEstimate(scenario), 50);
  const report = timed(() => trainReport(scenario), 20);
  const parse = timed(() => parseTrainingScenario(text, `examples/${file}`), 20);
  process.stdout.write(
    `${file.padEnd(44)} estimate ${fmt(warm.wallMs)} / ${fmt(warm.cpuMs)}   with goodput curve ${fmt(report.wallMs)} / ${fmt(report.cpuMs)}   parse ${fmt(parse.wallMs)}\n`,
  );
}
