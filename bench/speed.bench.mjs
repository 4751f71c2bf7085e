#!/usr/bin/env node
/**
 * Speed of the `supernode` command as a user meets it (prints figures; not a test). Each figure
 * runs the built CLI (packages/cli/bin/supernode.js) in a fresh process and is measured by
 * GNU time (/usr/bin/time: wall seconds, user + system CPU seconds, peak RSS):
 *
 *   node bench/speed.bench.mjs [--full] [--npm-test] [--update-readme]
 *
 *   start-up        `supernode --version`, median of 9 runs
 *   estimate        `supernode estimate examples/cloudmatrix384-deepseek-r1-decode.yaml`, median of 5
 *   simulate 10⁶    `simulate examples/cloudmatrix384-deepseek-r1-serving.yaml --requests 1000000 --json`
 *                   (output to /dev/null): CPU seconds and peak RSS
 *   simulate piped  the 10⁶ run with its output piped into `cat > /dev/null` (--full only): peak RSS
 *                   (standard output on a pipe is written blocking, cli-io.ts: memory stays bounded)
 *   simulate 10⁷    the same with 10,000,000 requests (--full only: minutes of CPU): peak RSS
 *   Vidur-shaped    examples/vidur-llama2-7b-a100.yaml at 100,000 requests: requests per wall second
 *                   (skipped, and said so, while that example is not in the repository)
 *   npm test        wall seconds of the whole suite (--npm-test only)
 *
 * --update-readme rewrites the README's "Performance" table (between its speed-bench markers)
 * from this run's figures; figures not measured this run keep their previous row.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = `${root}packages/cli/bin/supernode.js`;
const args = new Set(process.argv.slice(2));
const loadAtStart = loadavg()[0] ?? 0;
const hasTime = existsSync("/usr/bin/time");

/**
 * Runs `node bin ...args` once under GNU time (`/usr/bin/time -v`); with `pipeTo`, its standard
 * output goes through a shell pipe into that command (e.g. `cat > /dev/null`).
 */
function timed(cliArgs, stdout = "ignore", pipeTo = undefined) {
  const command = hasTime ? "/usr/bin/time" : process.execPath;
  const full = hasTime ? ["-v", process.execPath, bin, ...cliArgs] : [bin, ...cliArgs];
  const quote = (a) => `'${String(a).replaceAll("'", "'\\''")}'`;
  const started = process.hrtime.bigint();
  const r = spawnSync(
    pipeTo === undefined ? command : "/bin/sh",
    pipeTo === undefined ? full : ["-c", `${[command, ...full].map(quote).join(" ")} | ${pipeTo}`],
    { cwd: root, stdio: ["ignore", stdout, "pipe"], encoding: "utf8", maxBuffer: 1 << 26 },
  );
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`supernode ${cliArgs.join(" ")} failed:\n${r.stderr}`);
  const field = (name) => Number(new RegExp(`${name}: ([0-9.]+)`).exec(r.stderr)?.[1] ?? Number.NaN);
  return {
    wallS,
    cpuS: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    userS: field("User time \\(seconds\\)"),
    systemS: field("System time \\(seconds\\)"),
    rssMB: field("Maximum resident set size \\(kbytes\\)") / 1024,
  };
}

function median(runs, pick) {
  const values = runs.map(pick).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

const f = (x, digits = 2) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
const rows = []; // [key, benchmark, target, measured]

execFileSync(process.execPath, [bin, "--version"], { cwd: root }); // builds when stale, outside the timing
{
  const runs = Array.from({ length: 9 }, () => timed(["--version"]));
  rows.push([
    "startup",
    "`supernode --version` (CLI start-up)",
    "< 150 ms",
    `${f(median(runs, (r) => r.wallS) * 1e3, 0)} ms wall, ${f(median(runs, (r) => r.cpuS) * 1e3, 0)} ms CPU (median of 9)`,
  ]);
}
{
  const example = "examples/cloudmatrix384-deepseek-r1-decode.yaml";
  const runs = Array.from({ length: 5 }, () => timed(["estimate", example]));
  rows.push([
    "estimate",
    `\`supernode estimate ${example}\``,
    "< 400 ms",
    `${f(median(runs, (r) => r.wallS) * 1e3, 0)} ms wall, ${f(median(runs, (r) => r.cpuS) * 1e3, 0)} ms CPU (median of 5)`,
  ]);
}
const serving = "examples/cloudmatrix384-deepseek-r1-serving.yaml";
{
  const r = timed(["simulate", serving, "--requests", "1000000", "--json"]);
  rows.push([
    "simulate-1e6",
    `\`supernode simulate ${serving} --requests 1000000 --json\``,
    "< 5 s CPU",
    // user + system, to the hundredth: a figure near the 5 s line must not round onto it
    `${f(r.cpuS, 2)} s CPU (user ${f(r.userS, 2)} + system ${f(r.systemS, 2)}), ${f(r.wallS, 1)} s wall, peak RSS ${f(r.rssMB, 0)} MB`,
  ]);
}
if (args.has("--full")) {
  const r = timed(["simulate", serving, "--requests", "1000000", "--json"], "ignore", "cat > /dev/null");
  rows.push([
    "simulate-1e6-pipe",
    "the same, `--json \\| cat > /dev/null` (output through a pipe)",
    "bounded memory",
    `peak RSS ${f(r.rssMB, 0)} MB; ${f(r.cpuS, 2)} s CPU, ${f(r.wallS, 1)} s wall`,
  ]);
}
if (args.has("--full")) {
  const r = timed(["simulate", serving, "--requests", "10000000", "--json"]);
  rows.push([
    "simulate-1e7",
    "the same, `--requests 10000000 --json`",
    "< 1 GB peak RSS",
    `peak RSS ${f(r.rssMB, 0)} MB; ${f(r.cpuS, 0)} s CPU, ${f(r.wallS, 0)} s wall`,
  ]);
}
{
  const vidur = "examples/vidur-llama2-7b-a100.yaml";
  if (existsSync(`${root}${vidur}`)) {
    const r = timed(["simulate", vidur, "--requests", "100000", "--json"]);
    rows.push([
      "vidur",
      `Vidur-shaped workload: \`supernode simulate ${vidur} --requests 100000 --json\``,
      "≥ 50,000 requests per wall-second",
      `${f(100000 / r.wallS, 0)} requests per wall-second (${f(r.wallS, 2)} s wall)`,
    ]);
  } else
    console.log(
      `Vidur-shaped workload: skipped (${vidur} is not in the repository: it needs the A100 chip and Llama-2-7B)`,
    );
}
if (args.has("--npm-test")) {
  const started = process.hrtime.bigint();
  const r = spawnSync("npm", ["test", "--silent"], { cwd: root, stdio: "ignore" });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push([
    "npm-test",
    "`npm test` (whole suite, browser tests included)",
    "< 2 min",
    `${f(wallS, 0)} s wall${r.status === 0 ? "" : " (FAILED)"}`,
  ]);
}

// Wall times depend on what else runs: the 1-minute load average is part of every figure's context.
const header = `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ${new Date().toISOString().slice(0, 10)}, 1-minute load average ${loadAtStart.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end`;
console.log(header);
for (const [, name, target, measured] of rows) console.log(`${name}: ${measured} (target ${target})`);

if (args.has("--update-readme")) {
  const readme = `${root}README.md`;
  const text = readFileSync(readme, "utf8");
  const start = "<!-- speed-bench:start -->";
  const end = "<!-- speed-bench:end -->";
  const [before, rest] = text.split(start);
  const [section, after] = (rest ?? "").split(end);
  if (before === undefined || section === undefined || after === undefined)
    throw new Error(`README.md has no ${start} … ${end} section`);
  const previous = new Map();
  for (const line of section.split("\n")) {
    const key = /<!-- (\S+) -->$/.exec(line)?.[1];
    if (key !== undefined) previous.set(key, line);
  }
  const measured = new Map(
    rows.map(([key, name, target, value]) => [key, `| ${name} | ${target} | ${value} | <!-- ${key} -->`]),
  );
  const order = [
    "startup",
    "estimate",
    "simulate-1e6",
    "simulate-1e6-pipe",
    "simulate-1e7",
    "vidur",
    "npm-test",
  ];
  const lines = order.map((key) => measured.get(key) ?? previous.get(key)).filter((l) => l !== undefined);
  // The command as this run was given it (its flags in the usage line's order), not always --full.
  const flags = ["--full", "--npm-test", "--update-readme"].filter((flag) => args.has(flag));
  const command = ["node bench/speed.bench.mjs", ...flags].join(" ");
  const table = [
    "",
    `\`${command}\` wrote this table (${header}; a row this run did not measure keeps its previous figures).`,
    "",
    "| benchmark | target | measured | |",
    "|---|---|---|---|",
    ...lines,
    "",
  ].join("\n");
  writeFileSync(readme, `${before}${start}${table}${end}${after}`);
  console.log("README.md performance table updated");
}
