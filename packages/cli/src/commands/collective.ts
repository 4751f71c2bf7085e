/**
 * `supernode collective <system> <op> [--size 1GiB] [--ranks 64] [--engine analytic|flow]
 * [--algorithm ring|tree|in-switch|hierarchical|direct] [--json]`: time, algorithm, bus bandwidth
 * and the most loaded links of one collective (or MoE dispatch/combine) on a system or cluster.
 * Ranks beyond one system make a cluster of systems on the catalog's scale-out fabric.
 */
import {
  ALGORITHMS,
  type Algorithm,
  type Catalog,
  COLLECTIVE_OPS,
  type CollectiveOp,
  type CollectiveResult,
  collectiveTime,
  didYouMean,
  type EngineName,
  type FabricTarget,
  fabricModel,
  type LinkLoad,
  type MoeCommResult,
  makeTable,
  moeCombineTime,
  moeDispatchTime,
  moeTrafficMatrix,
  parseByteSize,
  SupernodeError,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { addHardwareOption, loadCatalog } from "../output/hardware-option.ts";
import { renderJson, renderTable } from "../output/render.ts";

const MOE_OPS = ["moe-dispatch", "moe-combine"] as const;
const OPS: readonly string[] = [...COLLECTIVE_OPS.filter((op) => op !== "all-to-all-v"), ...MOE_OPS];

interface Flags {
  size: string;
  ranks?: string;
  engine: string;
  algorithm?: string;
  systems?: string;
  fabric?: string;
  tokens: string;
  topK: string;
  bytesPerToken: string;
  imbalance: string;
  transport: string;
  kernels: string;
  routing?: string;
  json?: boolean;
  hardware?: string[];
}

/** `--routing 256/8/4`: experts / expert groups / groups per token. */
function parseRouting(
  text: string | undefined,
): { experts: number; groups: number; topKGroups: number } | undefined {
  if (text === undefined) return undefined;
  const parts = text.split("/").map(Number);
  const [experts, groups = 1, topKGroups = groups] = parts;
  if (
    parts.length < 1 ||
    parts.length > 3 ||
    experts === undefined ||
    !parts.every((x) => Number.isInteger(x) && x >= 1) ||
    topKGroups > groups ||
    experts % groups !== 0
  )
    throw new SupernodeError(
      "usage",
      `--routing expects experts[/groups[/groups per token]] such as 256/8/4, with groups dividing the experts (got "${text}")`,
    );
  return { experts, groups, topKGroups };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new SupernodeError("usage", `${flag} must be a whole number ≥ 1 (got "${text}")`);
  return n;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new SupernodeError("usage", `${flag} must be a non-negative number (got "${text}")`);
  return n;
}

function target(catalog: Catalog, systemId: string, ranks: number | undefined, flags: Flags): FabricTarget {
  const system = catalog.system(systemId);
  const perSystem = fabricModel(system).ranksPerSystem;
  const count =
    flags.systems !== undefined
      ? positiveInt(flags.systems, "--systems")
      : Math.ceil((ranks ?? perSystem) / perSystem);
  if (count === 1 && flags.fabric === undefined) return system;
  return catalog.cluster({ system: systemId, count, fabric: flags.fabric });
}

const fmtTime = (s: number): string =>
  s >= 1e-3 ? `${(s * 1e3).toFixed(3)} ms` : `${(s * 1e6).toFixed(2)} µs`;
const fmtBw = (b: number): string => `${(b / 1e9).toFixed(1)} GB/s`;
const fmtBytes = (b: number): string =>
  b >= 1e9
    ? `${(b / 1e9).toFixed(3)} GB`
    : b >= 1e6
      ? `${(b / 1e6).toFixed(3)} MB`
      : `${(b / 1e3).toFixed(3)} kB`;

function linksTable(links: readonly LinkLoad[]): string {
  const table = makeTable(
    [
      { key: "link", header: "link" },
      { key: "tier", header: "tier" },
      { key: "bytes", header: "bytes", align: "right" },
      { key: "busy", header: "busy", align: "right" },
    ],
    links.map((l) => ({
      link: l.label,
      tier: l.tier,
      bytes: fmtBytes(l.bytes),
      busy: `${(l.utilization * 100).toFixed(1)}%`,
    })),
    { title: "Most loaded links" },
  );
  return renderTable(table);
}

function printCollective(where: string, r: CollectiveResult): string {
  return [
    `${r.op} on ${where}: ${r.ranks} ranks, ${fmtBytes(r.bytes)}, ${r.algorithm}${r.protocol !== undefined ? ` / NCCL ${r.protocol.toUpperCase()} protocol` : ""} (${r.library}), ${r.engine} engine`,
    `  time           ${fmtTime(r.timeS)}  (fixed ${fmtTime(r.fixedS)} + latency ${fmtTime(r.latencyS)} + transfer ${fmtTime(r.transferS)})`,
    `  algorithm bw   ${fmtBw(r.algBandwidthBytesPerS)}`,
    `  bus bandwidth  ${fmtBw(r.busBandwidthBytesPerS)}`,
    `  bottleneck     ${r.bottleneck}`,
    `  sent per rank  ${fmtBytes(r.bytesPerRank)}`,
    "",
    linksTable(r.loadedLinks),
  ].join("\n");
}

function printMoe(where: string, op: string, ranks: number, r: MoeCommResult): string {
  return [
    `${op} on ${where}: EP${ranks} (${r.library}), analytic engine`,
    `  time           ${fmtTime(r.timeS)}  (fixed ${fmtTime(r.fixedS)} + latency ${fmtTime(r.latencyS)} + transfer ${fmtTime(r.transferS)})`,
    `  bandwidth/rank ${fmtBw(r.bandwidthPerRankBytesPerS)}  (all token copies ÷ time)`,
    `  bottleneck     ${r.bottleneck}`,
    `  sent per rank  ${fmtBytes(r.bytesPerRank)}; hottest rank ${fmtBytes(r.hottestRankBytes)}`,
    ...(r.deduplication !== undefined
      ? [
          `  per token      ${r.deduplication.destinations.remoteRanksPerToken.toFixed(2)} remote ranks, ${r.deduplication.destinations.remoteServersPerToken.toFixed(2)} remote scale-up domains (one copy per ${r.deduplication.unit})`,
        ]
      : []),
    "",
    linksTable(r.loadedLinks),
  ].join("\n");
}

export function register(program: Command, io: CliIo): void {
  const command = program
    .command("collective")
    .description(
      "time of one collective (or MoE dispatch/combine) on a system or cluster, with the most loaded links",
    )
    .argument("<system>", "system id (see `supernode catalog systems`)")
    .argument("<op>", `one of ${OPS.join(", ")}`)
    .option(
      "--size <bytes>",
      "bytes (all-reduce/broadcast buffer, all-gather output, all-to-all send buffer per rank)",
      "1GiB",
    )
    .option("--ranks <n>", "ranks (dies on CloudMatrix384, GPUs elsewhere); default: one whole system")
    .option("--engine <engine>", "analytic (closed form) or flow (max-min fair flow simulation)", "analytic")
    .option("--algorithm <name>", `one of ${ALGORITHMS.join(", ")} (default: best for the op and fabric)`)
    .option("--systems <n>", "systems in the cluster (default: as many as the ranks need)")
    .option("--fabric <id>", "scale-out fabric id of the cluster (see `supernode catalog fabrics`)")
    .option("--tokens <n>", "MoE: tokens per rank", "128")
    .option("--top-k <n>", "MoE: experts per token", "8")
    .option("--bytes-per-token <bytes>", "MoE: bytes of one token copy on the wire", "7168")
    .option("--imbalance <x>", "MoE: hottest rank's load ÷ mean (≥ 1)", "1")
    .option(
      "--transport <t>",
      "auto, or scale-out (every byte over the NICs, as DeepEP's pure-RDMA kernels)",
      "auto",
    )
    .option(
      "--kernels <k>",
      "MoE: low-latency (one copy per top-k expert) or normal (DeepEP: one per destination rank / node; needs --routing)",
      "low-latency",
    )
    .option(
      "--routing <e/g/k>",
      "MoE: experts[/expert groups[/groups per token]], e.g. 256/8/4 for DeepSeek-V3",
    )
    .option("--json", "print JSON (SI units)");
  addHardwareOption(command);
  command.action((systemId: string, op: string, flags: Flags) => {
    if (!OPS.includes(op))
      throw new SupernodeError("usage", `unknown collective "${op}". ${didYouMean(op, OPS)}`);
    if (flags.engine !== "analytic" && flags.engine !== "flow")
      throw new SupernodeError("usage", `--engine must be analytic or flow (got "${flags.engine}")`);
    if (flags.algorithm !== undefined && !ALGORITHMS.includes(flags.algorithm as Algorithm))
      throw new SupernodeError(
        "usage",
        `unknown --algorithm "${flags.algorithm}". ${didYouMean(flags.algorithm, ALGORITHMS)}`,
      );
    if (flags.transport !== "auto" && flags.transport !== "scale-out")
      throw new SupernodeError("usage", `--transport must be auto or scale-out (got "${flags.transport}")`);
    const bytes = parseByteSize(flags.size);
    if (bytes === undefined)
      throw new SupernodeError(
        "usage",
        `--size must be a byte size such as 1GiB or 512MB (got "${flags.size}")`,
      );
    const catalog = loadCatalog(flags);
    const requested = flags.ranks === undefined ? undefined : positiveInt(flags.ranks, "--ranks");
    const where = target(catalog, systemId, requested, flags);
    const model = fabricModel(where);
    const ranks = requested ?? model.totalRanks;
    const whereLabel =
      model.totalRanks > model.ranksPerSystem
        ? `${model.totalRanks / model.ranksPerSystem} × ${systemId}`
        : systemId;
    const transport = flags.transport as "auto" | "scale-out";
    if (op === "moe-dispatch" || op === "moe-combine") {
      if (flags.kernels !== "normal" && flags.kernels !== "low-latency")
        throw new SupernodeError("usage", `--kernels must be normal or low-latency (got "${flags.kernels}")`);
      const routing = parseRouting(flags.routing);
      const bpt = parseByteSize(flags.bytesPerToken);
      if (bpt === undefined)
        throw new SupernodeError(
          "usage",
          `--bytes-per-token must be a byte size (got "${flags.bytesPerToken}")`,
        );
      const request = {
        system: where,
        ranks,
        tokensPerRank: positive(flags.tokens, "--tokens"),
        topK: positiveInt(flags.topK, "--top-k"),
        bytesPerToken: bpt,
        imbalance: positive(flags.imbalance, "--imbalance"),
        transport,
        kernels: flags.kernels as "normal" | "low-latency",
        ...(routing !== undefined && { routing }),
      };
      const r = op === "moe-dispatch" ? moeDispatchTime(request) : moeCombineTime(request);
      if (flags.engine === "flow" && r.deduplication !== undefined)
        throw new SupernodeError(
          "unsupported",
          "--engine flow has no per-node deduplicated traffic matrix yet; use the analytic engine with --kernels normal",
        );
      if (flags.engine === "flow") {
        // the same traffic as an all-to-all-v on the graph, with the library's injection bound
        const matrix = moeTrafficMatrix(request, op === "moe-dispatch" ? "dispatch" : "combine");
        const f = collectiveTime(where, {
          op: "all-to-all-v",
          bytes: request.tokensPerRank * request.topK * bpt,
          ranks,
          matrix,
          library: r.library,
          transport,
          rankRateCapBytesPerS: r.rateCapBytesPerS,
          engine: "flow",
        });
        io.stdout.write(
          flags.json === true
            ? renderJson({ system: systemId, moe: op, ...f })
            : printCollective(`${whereLabel} (${op})`, f),
        );
        return;
      }
      io.stdout.write(
        flags.json === true
          ? renderJson({ system: systemId, op, ranks, ...r })
          : printMoe(whereLabel, op, ranks, r),
      );
      return;
    }
    const r = collectiveTime(where, {
      op: op as CollectiveOp,
      bytes,
      ranks,
      algorithm: flags.algorithm as Algorithm | undefined,
      engine: flags.engine as EngineName,
      transport,
    });
    io.stdout.write(
      flags.json === true
        ? renderJson({ system: systemId, systems: model.totalRanks / model.ranksPerSystem, ...r })
        : printCollective(whereLabel, r),
    );
  });
}
