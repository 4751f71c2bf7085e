#!/usr/bin/env node
/**
 * Wall time of a 10,000-point `estimate` sweep with the built CLI (prints figures; not a test):
 * 1 worker thread, then every core (os.availableParallelism()), each in a fresh process (wall
 * seconds, and CPU seconds of all threads under GNU time). The two results files are compared
 * byte for byte. The machine's load is printed beside the figures.
 *
 *   node bench/sweep.bench.mjs [--points-per-axis 100]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = join(root, "packages/cli/bin/supernode.js");
const perAxis = Number(process.argv[process.argv.indexOf("--points-per-axis") + 1]) || 100;
const dir = mkdtempSync(join(tmpdir(), "supernode-sweep-bench-"));
const plan = join(dir, "plan.yaml");
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
writeFileSync(
  plan,
  `scenario: ${join(root, "examples/cloudmatrix384-deepseek-r1-decode.yaml")}
command: estimate
grid:
  deployment.decode.batchPerChip: [${range(perAxis, (i) => i + 1).join(", ")}]
  deployment.decode.kvLength: [${range(perAxis, (i) => 256 * (i + 1)).join(", ")}]
`,
);
spawnSync(process.execPath, [bin, "--version"]); // rebuild first if the sources changed

const hasTime = existsSync("/usr/bin/time");

/** One sweep in a fresh process: wall seconds and, under GNU time, CPU seconds (user + system, all threads). */
function run(threads) {
  const out = join(dir, `t${threads}.jsonl`);
  const args = [bin, "sweep", plan, "--out", out, "--threads", String(threads)];
  const started = performance.now();
  const r = hasTime
    ? spawnSync("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, ...args], { encoding: "utf8" })
    : spawnSync(process.execPath, args, { encoding: "utf8" });
  const wallS = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`sweep failed: ${r.stderr}`);
  const m = /cpu ([0-9.]+) ([0-9.]+)\s*$/.exec(r.stderr);
  return { wallS, cpuS: m === null ? Number.NaN : Number(m[1]) + Number(m[2]), out };
}
const cpu = (r) => (Number.isNaN(r.cpuS) ? "" : `, ${r.cpuS.toFixed(1)} s CPU`);

const all = availableParallelism();
const points = perAxis * perAxis;
process.stdout.write(
  `${points}-point estimate sweep, ${all} cores, load average ${loadavg()[0].toFixed(2)}\n`,
);
const one = run(1);
process.stdout.write(
  `  1 thread:   ${one.wallS.toFixed(1)} s wall${cpu(one)} (${(points / one.wallS).toFixed(0)} points/s)\n`,
);
const many = run(all);
process.stdout.write(
  `  ${all} threads: ${many.wallS.toFixed(1)} s wall${cpu(many)} (${(points / many.wallS).toFixed(0)} points/s), speed-up ${(one.wallS / many.wallS).toFixed(2)}×\n`,
);
const same = readFileSync(one.out, "utf8") === readFileSync(many.out, "utf8");
process.stdout.write(
  `  results identical: ${same ? "yes" : "NO"}; load average now ${loadavg()[0].toFixed(2)}\n`,
);
rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
