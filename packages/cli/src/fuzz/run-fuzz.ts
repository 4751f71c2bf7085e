/**
 * `npm run fuzz -- [--count N] [--seed S] [--first I] [--threads T] [--out failures.jsonl]`:
 * mutates the shipped inputs N times, runs each through parse → estimate → simulate on all cores,
 * and prints how many ended in each outcome, with the distinct failures (reproduce one with
 * `--seed S --first I --count 1`). Exits 1 when any case is internal, unlocated, nonfinite, a hang
 * or out of memory.
 */
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { runFuzz } from "./fuzz-pool.ts";
import type { FuzzOutcomeKind } from "./fuzz-target.ts";
import type { FuzzRecord } from "./fuzz-worker.ts";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    first: { type: "string", default: "0" },
    threads: { type: "string" },
    out: { type: "string" },
    deadline: { type: "string", default: "30" },
  },
});
const whole = (text: string | undefined, flag: string) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    process.stderr.write(`${flag} expects a whole number ≥ 0, got "${text}"\n`);
    process.exit(2);
  }
  return value;
};
const count = whole(values.count, "--count");
const seed = whole(values.seed, "--seed");
const first = whole(values.first, "--first");
const threads = values.threads === undefined ? undefined : Math.max(1, whole(values.threads, "--threads"));

const counts: Record<FuzzOutcomeKind, number> = {
  ok: 0,
  error: 0,
  unlocated: 0,
  internal: 0,
  nonfinite: 0,
  hang: 0,
  oom: 0,
};
const defects = new Map<string, FuzzRecord & { times: number }>();
const out = values.out === undefined ? undefined : createWriteStream(values.out);
const started = Date.now();
let done = 0;
const progress = setInterval(() => {
  const rate = done / ((Date.now() - started) / 1000);
  process.stderr.write(`fuzz: ${done}/${count} cases, ${rate.toFixed(0)}/s\n`);
}, 10_000);

await runFuzz({
  seed,
  first,
  count,
  ...(threads === undefined ? {} : { threads }),
  deadlineS: whole(values.deadline, "--deadline"),
  onRecord(record) {
    done++;
    counts[record.outcome]++;
    if (record.outcome === "ok" || record.outcome === "error") return;
    out?.write(`${JSON.stringify({ seed, ...record })}\n`);
    const key = `${record.outcome}: ${record.detail.replace(/\d+(\.\d+)?/g, "#").slice(0, 120)}`;
    const seen = defects.get(key);
    if (seen === undefined) defects.set(key, { ...record, times: 1 });
    else seen.times++;
  },
});
clearInterval(progress);
out?.end();

const seconds = (Date.now() - started) / 1000;
process.stdout.write(`fuzz: ${count} cases (seed ${seed}, first ${first}) in ${seconds.toFixed(1)} s\n`);
for (const [outcome, n] of Object.entries(counts)) process.stdout.write(`  ${outcome.padEnd(10)} ${n}\n`);
for (const [key, record] of [...defects].sort((a, b) => b[1].times - a[1].times).slice(0, 40))
  process.stdout.write(
    `\n${record.times}× ${key}\n   e.g. case ${record.index} (${record.kind}): ${record.mutation}\n`,
  );
const bad = counts.internal + counts.unlocated + counts.nonfinite + counts.hang + counts.oom;
process.exit(bad > 0 ? 1 : 0);
