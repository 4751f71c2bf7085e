/**
 * `supernode search <scenario> --serving <input>/<output>`: the whole serving system for a request
 * shape — disaggregated prefill + decode pools (rate-matched) and colocated with chunked prefill —
 * through core's `searchServing`, ranked under the TPOT and TTFT SLOs (docs/search.md).
 */
import {
  defaultPrefillSpace,
  makeTable,
  type RequestShape,
  type Slo,
  SupernodeError,
  searchServing,
} from "@supernode/core";
import type { CliIo } from "../cli-io.ts";
import { renderJson, renderTable } from "./render.ts";
import { prepareSearch, rankOption, type SearchInputFlags } from "./search-run.ts";

/** `--serving 32768/1024` → the request shape. */
export function parseShape(text: string): RequestShape {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null || Number(m[1]) <= 0 || Number(m[2]) <= 0)
    throw new SupernodeError(
      "usage",
      `--serving expects <input tokens>/<output tokens>, e.g. 32768/1024, got "${text}"`,
    );
  return { inputTokens: Number(m[1]), outputTokens: Number(m[2]) };
}

type ServingSearch = ReturnType<typeof searchServing>;
type PoolCount = { total: number; evaluated: number; pruned: Readonly<Record<string, number>> } | undefined;

/** Searches the serving system and says how many candidates and CPU seconds it took. */
function searchTimed(
  prep: ReturnType<typeof prepareSearch>,
  flags: SearchInputFlags,
  shape: RequestShape,
  slo: Slo,
): { r: ServingSearch; cpuS: number; candidates: number } {
  const start = process.cpuUsage();
  const r = searchServing(prep.doc, prep.base, {
    catalog: prep.catalog,
    parseOptions: prep.parseOptions,
    shape,
    slo,
    rankBy: rankOption(flags.rank),
    spaces: {
      decode: prep.space,
      prefill: defaultPrefillSpace(prep.space),
      colocated: { ...prep.space, role: "colocated" },
    },
  });
  const cpu = process.cpuUsage(start);
  const pools = [r.disaggregated?.decode, r.disaggregated?.prefill, r.colocated];
  const candidates = pools.reduce((n, p) => n + (p?.total ?? 0), 0);
  return { r, cpuS: (cpu.user + cpu.system) / 1e6, candidates };
}

/** The winners as a table: rank, mode, tokens/s per chip and per user, TTFT, tokens/s per kW, deployment. */
function winnersTable(winners: ServingSearch["ranked"]): string {
  const table = makeTable(
    [
      { key: "rank", header: "#", align: "right" },
      { key: "mode", header: "mode" },
      { key: "chip", header: "tok/s/chip (all)", align: "right" },
      { key: "user", header: "tok/s/user", align: "right" },
      { key: "ttft", header: "TTFT s", align: "right" },
      { key: "kw", header: "tok/s/kW", align: "right" },
      { key: "deployment", header: "deployment" },
    ],
    winners.map((p, i) => ({
      rank: i + 1,
      mode: p.mode === "disaggregated" ? "disagg" : "chunked",
      chip: Math.round(p.tokensPerSPerChip),
      user: Number(p.tokensPerSPerUser.toFixed(1)),
      ttft: Number(p.ttftS.toFixed(2)),
      kw: Math.round(p.tokensPerKw),
      deployment: p.label,
    })),
  );
  return renderTable(table);
}

/** `decode pool: 1,234 candidates, 567 evaluated; pruned …`, or nothing for a pool not searched. */
function countedLine(name: string, p: PoolCount): string[] {
  return p === undefined
    ? []
    : [
        `${name}: ${p.total.toLocaleString("en-US")} candidates, ${p.evaluated.toLocaleString("en-US")} evaluated; pruned ${
          Object.entries(p.pruned)
            .map(([k, n]) => `${n} ${k}`)
            .join(", ") || "none"
        }`,
      ];
}

export function runServing(
  file: string,
  flags: SearchInputFlags & { json?: boolean },
  shape: RequestShape,
  slo: Slo,
  top: number,
  io: CliIo,
): void {
  const prep = prepareSearch(file, flags);
  const { r, cpuS, candidates } = searchTimed(prep, flags, shape, slo);
  const winners = r.ranked.slice(0, top);
  const kv = r.disaggregated?.kvTransfer;
  if (flags.json === true) {
    const strip = ({ decode: _d, prefill: _p, ...p }: (typeof winners)[number]) => p;
    io.stdout.write(
      renderJson({
        shape,
        slo,
        rankBy: r.rankBy,
        candidates,
        ...(kv !== undefined ? { kvTransfer: kv } : {}),
        cpuS,
        ranked: winners.map(strip),
        frontier: r.frontier.map(strip),
      }),
    );
    return;
  }
  io.stdout.write(
    [
      winnersTable(winners),
      `serving ${shape.inputTokens}/${shape.outputTokens} tokens of ${prep.base.model.id} on ${prep.base.system.name}: tokens/s per chip counts every chip (prefill pool included)`,
      ...(kv !== undefined
        ? [
            `disaggregated TTFT includes the prompt's KV transfer to the decode pool: ${(kv.bytes / 1e6).toFixed(1)} MB in ${(kv.transferS * 1e3).toFixed(2)} ms (${kv.path})`,
          ]
        : []),
      ...countedLine("decode pool", r.disaggregated?.decode),
      ...countedLine("prefill pool", r.disaggregated?.prefill),
      ...countedLine("colocated (chunked prefill)", r.colocated),
      `${candidates.toLocaleString("en-US")} candidates in ${cpuS.toFixed(1)} CPU-s`,
      ...(winners.length === 0 ? ["no configuration meets the SLOs"] : []),
      "",
    ].join("\n"),
  );
}
