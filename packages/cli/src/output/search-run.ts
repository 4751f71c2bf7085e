/**
 * What `search` and `frontier` share: read a scenario file once, resolve it, and run the
 * deployment search with a progress line on a terminal and Ctrl-C ending it with the best so far.
 */
import {
  applyOverrides,
  defaultSearchSpace,
  isSearchDtype,
  type PrecisionChoice,
  parseOverride,
  parseScenarioSource,
  precisionChoice,
  RANK_KEYS,
  type RankBy,
  readSourceDocument,
  type Scenario,
  type SearchResult,
  type SearchSpace,
  type Slo,
  type SourceDocument,
  SupernodeError,
  searchDeployments,
} from "@supernode/core";
import type { Command } from "commander";
import type { CliIo } from "../cli-io.ts";
import { parseDtypeMapping } from "./dtype-mapping.ts";
import { modelConfigReader, readText } from "./files.ts";
import { loadCatalog } from "./hardware-option.ts";
import { runInterruptible } from "./interruptible.ts";

export interface SearchInputFlags {
  hardware: string[];
  set: string[];
  mapDtype: string[];
  /** Comma-separated lists that replace the default space's values. */
  chips?: string;
  batches?: string;
  attentionTp?: string;
  pp?: string;
  precisions?: string;
  rank?: string;
}

/** `--chips`, `--batches`, `--attention-tp`: lists that narrow (or widen) the default space. */
export function addSpaceOptions(command: Command): Command {
  return command
    .option(
      "--chips <list>",
      "chips per instance to try, e.g. 32,64,160 (default: powers of two up to the system)",
    )
    .option("--batches <list>", "batches per chip to try, e.g. 32,64,96 (default: 1 … 512)")
    .option(
      "--attention-tp <list>",
      "attention TP degrees to try, e.g. 1,2,4 (default: those dividing the heads)",
    )
    .option("--pp <list>", "pipeline stages to try, e.g. 1,2,4 (default: the scenario's)")
    .option(
      "--precisions <list>",
      "weight/GEMM formats to try, e.g. fp8,fp4 (W8A8, W4A4; formats the chip lacks are pruned; default: the scenario's)",
    )
    .option("--rank <key>", `rank by ${RANK_KEYS.join(" | ")}`, "tokens-per-chip");
}

/** `--rank`: the ranking key, checked. */
export function rankOption(text: string | undefined): RankBy {
  const key = text ?? "tokens-per-chip";
  if (!(RANK_KEYS as readonly string[]).includes(key))
    throw new SupernodeError("usage", `--rank expects one of ${RANK_KEYS.join(", ")}, got "${key}"`);
  return key as RankBy;
}

function precisionList(
  text: string | undefined,
  written: Readonly<Record<string, unknown>>,
): PrecisionChoice[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((v) => {
    const id = v.trim();
    if (!isSearchDtype(id))
      throw new SupernodeError(
        "usage",
        `--precisions expects formats among bf16, fp8, int8, fp4 separated by commas, got "${id}"`,
      );
    return precisionChoice(written, id);
  });
}

function list(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(",").map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v <= 0))
    throw new SupernodeError("usage", `${flag} expects positive integers separated by commas, got "${text}"`);
  return values;
}

export interface SearchRun {
  readonly doc: SourceDocument;
  readonly base: Scenario;
  readonly result: SearchResult;
  /** CPU seconds the search took (user + system). */
  readonly cpuS: number;
}

/** `--set` overrides apply to the base document, so every candidate carries them. */
export interface PreparedSearch {
  readonly doc: SourceDocument;
  readonly base: Scenario;
  readonly catalog: ReturnType<typeof loadCatalog>;
  readonly space: SearchSpace;
  readonly parseOptions: {
    dtypeMapping: ReturnType<typeof parseDtypeMapping>;
    readFile: (path: string) => string;
  };
}

/** Reads the scenario once and builds the searched space from the flags. */
export function prepareSearch(file: string, flags: SearchInputFlags): PreparedSearch {
  const read = readSourceDocument(readText(file, "scenario file"), file);
  const catalog = loadCatalog(flags);
  const overrides = flags.set.map(parseOverride);
  const options = {
    overrides,
    dtypeMapping: parseDtypeMapping(flags.mapDtype),
    readFile: modelConfigReader(file),
  };
  // Candidates start from the document with the overrides applied.
  const doc: SourceDocument =
    overrides.length > 0 ? { ...read, data: applyOverrides(read.data, overrides) } : read;
  const base = parseScenarioSource(read, catalog, options);
  const defaults = defaultSearchSpace(base);
  const pp = list(flags.pp, "--pp");
  const precisions = precisionList(flags.precisions, base.document.precision as Record<string, unknown>);
  const space: SearchSpace = {
    ...defaults,
    chipsPerInstance: list(flags.chips, "--chips") ?? defaults.chipsPerInstance,
    batchPerChip: list(flags.batches, "--batches") ?? defaults.batchPerChip,
    attentionTp: list(flags.attentionTp, "--attention-tp") ?? defaults.attentionTp,
    ...(pp !== undefined ? { pp } : {}),
    ...(precisions !== undefined ? { precisions } : {}),
  };
  return {
    doc,
    base,
    catalog,
    space,
    parseOptions: { dtypeMapping: options.dtypeMapping, readFile: options.readFile },
  };
}

export function runSearch(file: string, flags: SearchInputFlags, slo: Slo, io: CliIo): SearchRun {
  const { doc, base, catalog, space: searched, parseOptions } = prepareSearch(file, flags);
  const { value: result, cpuS } = runInterruptible(io, (shouldStop) =>
    searchDeployments(doc, base, {
      catalog,
      space: searched,
      rankBy: rankOption(flags.rank),
      parseOptions,
      slo,
      shouldStop,
      ...(io.stderr.isTTY
        ? {
            onProgress: (done: number, total: number) =>
              io.stderr.write(
                `\rsearching ${file}: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")}`,
              ),
          }
        : {}),
    }),
  );
  return { doc, base, result, cpuS };
}
