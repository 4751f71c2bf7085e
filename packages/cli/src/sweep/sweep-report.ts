/**
 * What a sweep shows a person: a progress bar on a terminal (points done, rate, ETA) and, at the
 * end, counts and a table of the best points by the command's headline figure.
 */
import type { SweepRecord } from "@supernode/core";
import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { CliIo } from "../cli-io.ts";
import { enUs } from "../output/locale-number.ts";

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

type Result = Record<string, unknown>;

const fmt = (v: unknown, scale = 1, digits = 1) => (typeof v === "number" ? enUs(v * scale, digits) : "–");

/** How the summary shows one kind of result: its headline figure (tokens/s per chip) and columns. */
interface ResultView {
  readonly headline: (res: Result) => unknown;
  readonly seed: boolean;
  readonly columns: ReadonlyArray<readonly [string, (res: Result) => string]>;
}

const VIEWS: Readonly<Record<"estimate" | "simulate" | "train" | "search", ResultView>> = {
  estimate: {
    headline: (res) =>
      typeof res.decodeTokensPerSPerChip === "number"
        ? res.decodeTokensPerSPerChip
        : res.prefillTokensPerSPerChip,
    seed: false,
    columns: [
      ["TPOT ms", (res) => fmt(res.tpotS, 1e3, 2)],
      ["TTFT ms", (res) => fmt(res.ttftS, 1e3, 1)],
      ["GB/chip", (res) => fmt(res.memoryBytesPerChip, 1e-9, 1)],
    ],
  },
  simulate: {
    headline: (res) => res.outputTokensPerSPerChip,
    seed: true,
    columns: [
      ["TPOT p50 ms", (res) => fmt(res.tpotP50S, 1e3, 2)],
      ["TTFT p50 ms", (res) => fmt(res.ttftP50S, 1e3, 1)],
    ],
  },
  train: {
    headline: (res) => res.tokensPerSPerChip,
    seed: false,
    columns: [
      ["step ms", (res) => fmt(res.stepS, 1e3, 1)],
      ["MFU %", (res) => fmt(res.mfu, 100, 1)],
      ["GB/rank", (res) => fmt(res.memoryBytesPerRank, 1e-9, 1)],
      ["fits", (res) => (res.fits === true ? "yes" : "no")],
    ],
  },
  search: {
    headline: (res) => (res.best as Result | null)?.tokensPerSPerChip,
    seed: false,
    columns: [
      ["best deployment", (res) => String((res.best as Result | null)?.label ?? "–")],
      ["TPOT ms", (res) => fmt((res.best as Result | null)?.tpotS, 1e3, 2)],
      ["meet SLO / evaluated", (res) => `${fmt(res.meetingSlo, 1, 0)} / ${fmt(res.evaluated, 1, 0)}`],
    ],
  },
};

/** The kind of a record's result, from its fields. */
function viewOf(res: Result): ResultView {
  if ("outputTokensPerSPerChip" in res) return VIEWS.simulate;
  if ("mfu" in res) return VIEWS.train;
  if ("meetingSlo" in res) return VIEWS.search;
  return VIEWS.estimate;
}

function headline(r: SweepRecord): number | undefined {
  const res = r.result as unknown as Result | undefined;
  if (res === undefined) return undefined;
  const v = viewOf(res).headline(res);
  return typeof v === "number" ? v : undefined;
}

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
  const view = viewOf(ranked[0]?.result as unknown as Result);
  const t = new Table({
    head: ["point", ...keys, ...(view.seed ? ["seed"] : []), "tok/s/chip", ...view.columns.map(([h]) => h)],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of ranked) {
    const res = r.result as unknown as Result;
    t.push([
      r.id,
      ...keys.map((k) => JSON.stringify(r.set[k])),
      ...(view.seed ? [String(r.seed ?? "")] : []),
      fmt(headline(r), 1, 0),
      ...view.columns.map(([, cell]) => cell(res)),
    ]);
  }
  lines.push(`best ${ranked.length} by tokens/s per chip:`, t.toString());
  return `${lines.join("\n")}\n`;
}
