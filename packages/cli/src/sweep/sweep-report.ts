/**
 * What a sweep shows a person: a progress bar on a terminal (points done, rate, ETA) and, at the
 * end, counts and a table of the best points by the command's headline figure.
 */
import type { SweepRecord } from "@supernode/core";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { CliIo } from "../cli-io.ts";

export interface SweepProgress {
  tick(): void;
  stop(): void;
}

/** A bar on standard error when it is a terminal, else nothing. */
export function sweepProgress(io: CliIo, total: number, already: number): SweepProgress {
  if (!io.stderr.isTTY || total === 0) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: "sweep [{bar}] {value}/{total} points | {rate} points/s | ETA {eta_formatted}",
      hideCursor: true,
      stream: process.stderr,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let done = already;
  bar.start(total, done, { rate: "0" });
  return {
    tick: () => {
      done++;
      const rate = (done - already) / Math.max(1e-3, (Date.now() - started) / 1000);
      bar.update(done, { rate: rate.toFixed(0) });
    },
    stop: () => bar.stop(),
  };
}

function headline(r: SweepRecord): number | undefined {
  const res = r.result as Record<string, unknown> | undefined;
  if (res === undefined) return undefined;
  for (const key of ["decodeTokensPerSPerChip", "outputTokensPerSPerChip", "prefillTokensPerSPerChip"]) {
    const v = res[key];
    if (typeof v === "number") return v;
  }
  return undefined;
}

const fmt = (v: unknown, scale = 1, digits = 1) =>
  typeof v === "number" ? (v * scale).toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";

/** Counts and the `top` best points by tokens/s per chip. */
export function sweepSummary(records: readonly SweepRecord[], top = 10): string {
  const errors = records.filter((r) => r.error !== undefined).length;
  const ranked = records
    .filter((r) => headline(r) !== undefined)
    .sort((a, b) => (headline(b) as number) - (headline(a) as number) || (a.id < b.id ? -1 : 1))
    .slice(0, top);
  const lines = [`${records.length} points: ${records.length - errors} ran, ${errors} failed at input`];
  if (ranked.length === 0) return `${lines.join("\n")}\n`;
  const keys = Object.keys(ranked[0]?.set ?? {});
  const sim =
    (ranked[0]?.result as unknown as Record<string, unknown> | undefined)?.outputTokensPerSPerChip !==
    undefined;
  const t = new Table({
    head: [
      "point",
      ...keys,
      ...(sim ? ["seed"] : []),
      "tok/s/chip",
      sim ? "TPOT p50 ms" : "TPOT ms",
      sim ? "TTFT p50 ms" : "TTFT ms",
      ...(sim ? [] : ["GB/chip"]),
    ],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of ranked) {
    const res = r.result as unknown as Record<string, unknown>;
    t.push([
      r.id,
      ...keys.map((k) => JSON.stringify(r.set[k])),
      ...(sim ? [String(r.seed ?? "")] : []),
      fmt(headline(r), 1, 0),
      fmt(sim ? res.tpotP50S : res.tpotS, 1e3, 2),
      fmt(sim ? res.ttftP50S : res.ttftS, 1e3, 1),
      ...(sim ? [] : [fmt(res.memoryBytesPerChip, 1e-9, 1)]),
    ]);
  }
  lines.push(`best ${ranked.length} by tokens/s per chip:`, t.toString());
  return `${lines.join("\n")}\n`;
}
