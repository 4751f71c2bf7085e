#!/usr/bin/env node
/**
 * Wall time of a 10,000-point `estimate` sweep with the built CLI (prints figures; not a test):
 * 1 worker thread, then every core (os.availableParallelism()), each in a fresh process (wall
 * seconds, and CPU seconds of all threads under GNU time), alternating `--repeat` times (default 1;
 * the median speed-up is printed when more). The results files are compared byte for byte. The
 * machine's load is printed beside every run.
 *
 * On Linux each run's CPU is also split by thread, sampled from /proc/<pid>/task every 10 ms:
 * the main thread, each pool thread, and the threads Node starts with the process (V8's platform
 * workers: optimising compiler and garbage collector helpers). A thread that ends between two
 * samples loses at most 10 ms (the pool's threads end when the sweep does: their last 10 ms). From the 1-thread run it prints how many cores that run already
 * kept busy (CPU / wall) and what that allows: while the N-thread run spends at least the 1-thread
 * run's CPU, its wall time is at least that CPU / N, so the speed-up is at most N · wall / CPU of
 * the 1-thread run (meaningful on an idle machine only: load stretches wall, not CPU).
 *
 * From CPU seconds alone (so also on a loaded machine) it estimates the speed-up on idle cores:
 * the 1-thread run's wall is at least its main thread plus its pool thread (V8's platform threads
 * run beside them on another core), the N-thread run's at least its CPU / N and at least its main
 * thread plus its busiest pool thread: estimate = (main₁ + pool₁) / max(CPU_N / N, main_N + max pool_N).
 * It also prints CPU_N / CPU₁: on 2 cores, 1.8× needs CPU₂ ≤ 2 (main₁ + pool₁) / 1.8.
 *
 *   node bench/sweep.bench.mjs [--points-per-axis 100] [--repeat 1]
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = join(root, "packages/cli/bin/supernode.js");
const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const perAxis = flag("--points-per-axis", 100);
const repeat = flag("--repeat", 1);
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
const hasProc = existsSync("/proc/self/task");

/** A thread's CPU seconds (schedstat: nanoseconds on the CPU) and start time (clock ticks after boot). */
function threadStat(pid, tid) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const cpuNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    return { cpuS: cpuNs / 1e9, start: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]) };
  } catch {
    return undefined; // the thread (or the process) has ended
  }
}

/** Samples the CPU of every thread of the node process under `launcher` (itself, or GNU time's child) until it ends. */
function sampleThreads(launcher) {
  const threads = new Map();
  let pid;
  const timer = setInterval(() => {
    if (pid === undefined) {
      if (launcher.pid === undefined) return;
      if (!hasTime) pid = launcher.pid;
      else {
        try {
          const children = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, "utf8").trim();
          if (children !== "") pid = Number(children.split(" ")[0]);
        } catch {
          return;
        }
      }
      if (pid === undefined) return;
    }
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const tid of tids) {
      const s = threadStat(pid, tid);
      if (s !== undefined) threads.set(Number(tid), s);
    }
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return { pid, threads };
    },
  };
}

/**
 * CPU by thread: the main thread; the pool's `poolThreads` threads (those of the threads with
 * ≥ 0.1 s of CPU that started last: the pool starts after the CLI has loaded, V8's platform
 * workers with the process); V8 and Node's other threads with ≥ 0.1 s (the platform workers:
 * optimising compiler, garbage collector helpers); the rest.
 */
function byThread({ pid, threads }, poolThreads) {
  const main = threads.get(pid);
  if (main === undefined) return undefined;
  const busy = [...threads]
    .filter(([tid, t]) => tid !== pid && t.cpuS >= 0.1)
    .sort(([ta, a], [tb, b]) => b.start - a.start || tb - ta);
  const pool = busy.slice(0, poolThreads).map(([tid]) => tid);
  const split = { mainS: main.cpuS, poolS: [], v8S: 0, otherS: 0 };
  for (const [tid, t] of threads) {
    if (tid === pid) continue;
    if (pool.includes(tid)) split.poolS.push(t.cpuS);
    else if (t.cpuS >= 0.1) split.v8S += t.cpuS;
    else split.otherS += t.cpuS;
  }
  return split;
}

/** One sweep in a fresh process: wall seconds, CPU seconds (user + system, all threads) under GNU time, CPU by thread. */
function run(threads) {
  const out = join(dir, `t${threads}.jsonl`);
  rmSync(out, { force: true });
  const args = [bin, "sweep", plan, "--out", out, "--threads", String(threads)];
  const load = loadavg()[0];
  const started = performance.now();
  const child = hasTime
    ? spawn("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, ...args], {
        stdio: ["ignore", "ignore", "pipe"],
      })
    : spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const sampler = hasProc ? sampleThreads(child) : undefined;
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.on("close", (status) => {
      const wallS = (performance.now() - started) / 1000;
      const sampled = sampler?.stop();
      if (status !== 0) return reject(new Error(`sweep failed: ${stderr}`));
      const m = /cpu ([0-9.]+) ([0-9.]+)\s*$/.exec(stderr);
      const cpuS = m === null ? Number.NaN : Number(m[1]) + Number(m[2]);
      resolve({ wallS, cpuS, load, split: sampled && byThread(sampled, threads), out });
    });
  });
}

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
function line(label, r) {
  const cpu = Number.isNaN(r.cpuS) ? "" : `, ${f1(r.cpuS)} s CPU`;
  const s = r.split;
  const threads =
    s === undefined
      ? ""
      : `\n      by thread: main ${f2(s.mainS)} s, pool ${s.poolS.map(f2).join(" + ")} s, V8 platform threads (compiler, GC helpers) ${f2(s.v8S)} s, other ${f2(s.otherS)} s`;
  return `  ${label} ${f1(r.wallS)} s wall${cpu} (${(points / r.wallS).toFixed(0)} points/s), load average ${f2(r.load)} at the start${threads}\n`;
}

const all = availableParallelism();
const points = perAxis * perAxis;
process.stdout.write(`${points}-point estimate sweep, ${all} cores, load average ${f2(loadavg()[0])}\n`);
if (loadavg()[0] > 1)
  process.stdout.write(
    "  (other work is running: wall times and the speed-up measure the load; compare CPU by thread)\n",
  );
const speedUps = [];
const estimates = [];
/** Speed-up on idle cores estimated from CPU by thread (see the header), or undefined without /proc. */
function cpuEstimate(one, many, n) {
  const a = one.split;
  const b = many.split;
  if (a === undefined || b === undefined || Number.isNaN(many.cpuS)) return undefined;
  return (a.mainS + (a.poolS[0] ?? 0)) / Math.max(many.cpuS / n, b.mainS + Math.max(0, ...b.poolS));
}
let same = true;
for (let i = 0; i < repeat; i++) {
  const one = await run(1);
  process.stdout.write(line("1 thread:  ", one));
  if (!Number.isNaN(one.cpuS))
    process.stdout.write(
      `      the 1-thread run kept ${f2(one.cpuS / one.wallS)} cores busy: a ${all}-thread run that spends no less CPU is at most ${f2((all * one.wallS) / one.cpuS)}× faster\n`,
    );
  const oneText = readFileSync(one.out, "utf8");
  const many = await run(all);
  process.stdout.write(line(`${all} threads:`, many));
  speedUps.push(one.wallS / many.wallS);
  const estimate = cpuEstimate(one, many, all);
  if (estimate !== undefined) {
    estimates.push(estimate);
    process.stdout.write(
      `      CPU ${all} threads / 1 thread ${f2(many.cpuS / one.cpuS)}; from CPU by thread, on ${all} idle cores: ≈ ${f2(estimate)}×\n`,
    );
  }
  process.stdout.write(`      speed-up ${f2(one.wallS / many.wallS)}×\n`);
  if (readFileSync(many.out, "utf8") !== oneText) same = false;
}
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return ((sorted[(sorted.length - 1) >> 1] ?? 0) + (sorted[sorted.length >> 1] ?? 0)) / 2;
};
if (repeat > 1) {
  process.stdout.write(`  speed-ups ${speedUps.map(f2).join(", ")}; median ${f2(median(speedUps))}×\n`);
  if (estimates.length > 0)
    process.stdout.write(
      `  estimated from CPU by thread ${estimates.map(f2).join(", ")}; median ${f2(median(estimates))}×\n`,
    );
}
process.stdout.write(`  results identical: ${same ? "yes" : "NO"}; load average now ${f2(loadavg()[0])}\n`);
rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
