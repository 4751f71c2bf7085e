/**
 * `searchServing`: the whole serving system under a request shape (input and output tokens) and
 * latency SLOs, in two modes, on one frontier:
 *
 * - `disaggregated`: a prefill pool and a decode pool (`searchPrefill`, `searchDeployments` on the
 *   decode group), rate-matched — the prefill pool must turn prompts into KV caches as fast as the
 *   decode pool finishes requests, so per decode chip it needs D × (input ÷ output) ÷ P prefill
 *   chips (D decode and P prefill tokens/s per chip). Tokens/s per chip of the pair counts both
 *   pools' chips: D ÷ (1 + D × input ÷ (output × P)). The prefill layout is the best one within
 *   the TTFT SLO (by the ranking key); the TTFT is its full-iteration TTFT plus the prompt's KV
 *   transfer to the decode pool over the scenario's `serving.kvTransfer` path, as the serving
 *   simulator costs it (`promptKvTransfer`); no queueing.
 * - `colocated-chunked`: one pool whose iterations carry the decode batch and a rate-matched chunk
 *   of prompts (`chunked-step.ts`).
 *
 * The shape sets the operating point of every candidate: decode KV length = input + output ÷ 2
 * (the mean over a request's answer), prompt length = input.
 */
import { parseScenarioSource, type Scenario } from "../deploy/index.ts";
import { type PromptKvTransfer, promptKvTransfer } from "../serving/index.ts";
import { applyOverrides, type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { RequestShape } from "./chunked-step.ts";
import { paretoFrontier } from "./frontier.ts";
import { mixEconomics, type RankBy, rankValue, tokensPerDollar, tokensPerKw } from "./point-economics.ts";
import {
  type PrefillPoint,
  type PrefillSearchResult,
  type PrefillSpace,
  searchPrefill,
} from "./prefill-search.ts";
import {
  type SearchOptions,
  type SearchPoint,
  type SearchResult,
  type Slo,
  searchDeployments,
} from "./search.ts";
import { defaultSearchSpace, type SearchSpace } from "./search-space.ts";

export type ServingMode = "disaggregated" | "colocated-chunked";
export const SERVING_MODES: readonly ServingMode[] = ["disaggregated", "colocated-chunked"];

export interface ServingSearchPoint {
  readonly mode: ServingMode;
  readonly label: string;
  readonly tpotS: number;
  readonly ttftS: number;
  /** Output tokens/s per chip, counting every chip of the pools (prefill ones too). */
  readonly tokensPerSPerChip: number;
  readonly tokensPerSPerUser: number;
  readonly tokensPerKw: number;
  readonly tokensPerDollar?: number;
  readonly meetsSlo: boolean;
  /** Disaggregated: the part of `ttftS` that moves the prompt's KV cache to the decode pool. */
  readonly kvTransferS?: number;
  readonly decode: SearchPoint;
  /** Disaggregated: the prefill layout paired with the decode one. */
  readonly prefill?: PrefillPoint;
  /** Fraction of the chips that decode (1 when colocated). */
  readonly decodeChipShare: number;
}

export interface ServingSpaces {
  readonly decode?: SearchSpace;
  readonly prefill?: PrefillSpace;
  readonly colocated?: SearchSpace;
}

export interface ServingSearchOptions
  extends Pick<SearchOptions, "catalog" | "parseOptions" | "rankBy" | "shouldStop"> {
  readonly shape: RequestShape;
  readonly slo: Slo;
  readonly modes?: readonly ServingMode[];
  /** Spaces per pool; each defaults to `defaultSearchSpace` of that group (prefill: 1K–16K tokens per chip). */
  readonly spaces?: ServingSpaces;
}

export interface ServingSearchResult {
  readonly shape: RequestShape;
  readonly slo: Slo;
  readonly rankBy: RankBy;
  /** Every evaluated pairing / colocated point. */
  readonly points: readonly ServingSearchPoint[];
  /** Points within both SLOs, best first. */
  readonly ranked: readonly ServingSearchPoint[];
  /** Pareto frontier (tokens/s per user, tokens/s per chip) of the points within the TTFT SLO. */
  readonly frontier: readonly ServingSearchPoint[];
  readonly disaggregated?: {
    readonly decode: SearchResult;
    readonly prefill: PrefillSearchResult;
    /** One prompt's KV transfer, prefill → decode pool (in every disaggregated TTFT). */
    readonly kvTransfer: PromptKvTransfer;
  };
  readonly colocated?: SearchResult;
}

const PREFILL_TOKENS = [1024, 2048, 4096, 8192, 16384];

/**
 * Searches disaggregated and chunked colocated serving of the base scenario's model and system.
 * The base document needs `prefill` and `decode` groups (the colocated pool starts from the decode group).
 * @example searchServing(doc, base, { shape: { inputTokens: 32768, outputTokens: 1024 }, slo: { tpotS: 0.05, ttftS: 5 } }).frontier
 */
export function searchServing(
  doc: SourceDocument,
  base: Scenario,
  options: ServingSearchOptions,
): ServingSearchResult {
  const { shape, slo } = options;
  const rankBy = options.rankBy ?? "tokens-per-chip";
  const modes = options.modes ?? SERVING_MODES;
  const written = doc.data as { deployment?: Record<string, unknown> };
  if (written.deployment?.prefill === undefined || written.deployment?.decode === undefined)
    throw new SupernodeError(
      "usage",
      "a serving search starts from a scenario with prefill and decode groups (the colocated pool starts from the decode group)",
      { file: base.fileName, fieldPath: ["deployment"] },
    );
  const common = {
    ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
    ...(options.parseOptions !== undefined ? { parseOptions: options.parseOptions } : {}),
    ...(options.shouldStop !== undefined ? { shouldStop: options.shouldStop } : {}),
    rankBy,
  };
  const shaped = withDocument(doc, applyOverrides(doc.data, shapeOverrides(shape)));
  const points: ServingSearchPoint[] = [];
  let disaggregated: ServingSearchResult["disaggregated"];
  let colocated: SearchResult | undefined;
  if (modes.includes("disaggregated")) {
    const shapedBase = parseScenarioSource(shaped, options.catalog, options.parseOptions);
    const decodeSpace = options.spaces?.decode ?? defaultSearchSpace(shapedBase);
    const decode = searchDeployments(shaped, shapedBase, {
      ...common,
      space: decodeSpace,
      prefillFeed: false, // the pools are sized together below
      kvFitShape: shape,
      slo: { ...(slo.tpotS !== undefined ? { tpotS: slo.tpotS } : {}) },
    });
    const prefillSpace = options.spaces?.prefill ?? defaultPrefillSpace(decodeSpace);
    const kvTransfer = promptKvTransfer(shapedBase, shape.inputTokens);
    const prefill = searchPrefill(shaped, shapedBase, prefillSpace, {
      ...common,
      slo,
      kvTransferS: kvTransfer.transferS,
    });
    disaggregated = { decode, prefill, kvTransfer };
    const best = prefill.ranked[0];
    if (best !== undefined) for (const d of decode.points) points.push(pair(d, best, shape, slo));
  }
  if (modes.includes("colocated-chunked")) {
    const colocatedDoc = withDocument(doc, colocatedData(shaped.data, shape));
    const colocatedBase = parseScenarioSource(colocatedDoc, options.catalog, options.parseOptions);
    const space = options.spaces?.colocated ?? defaultSearchSpace(colocatedBase);
    colocated = searchDeployments(colocatedDoc, colocatedBase, { ...common, space, slo, chunked: shape });
    for (const d of colocated.points)
      points.push({
        mode: "colocated-chunked",
        label: `colocated, chunked prefill ${Math.round(d.chunkTokensPerChip ?? 0)} tok/chip/iter: ${d.label}`,
        tpotS: d.tpotS,
        ttftS: d.ttftS ?? 0,
        tokensPerSPerChip: d.tokensPerSPerChip,
        tokensPerSPerUser: d.tokensPerSPerUser,
        tokensPerKw: d.tokensPerKw,
        ...(d.tokensPerDollar !== undefined ? { tokensPerDollar: d.tokensPerDollar } : {}),
        meetsSlo: d.meetsSlo,
        decode: d,
        decodeChipShare: 1,
      });
  }
  const ttftOk = (p: ServingSearchPoint) => slo.ttftS === undefined || p.ttftS <= slo.ttftS;
  const ranked = points.filter((p) => p.meetsSlo).sort((a, b) => rankValue(b, rankBy) - rankValue(a, rankBy));
  return {
    shape,
    slo,
    rankBy,
    points,
    ranked,
    frontier: paretoFrontier(points.filter(ttftOk)),
    ...(disaggregated !== undefined ? { disaggregated } : {}),
    ...(colocated !== undefined ? { colocated } : {}),
  };
}

/** The prefill space beside a decode space: same chips, TPs, PP and precisions; no overlap. */
export function defaultPrefillSpace(decode: SearchSpace): PrefillSpace {
  const { role: _r, batchPerChip: _b, mtpDraftTokens: _m, ...rest } = decode;
  return { ...rest, microbatchOverlap: [false], tokensPerChip: PREFILL_TOKENS };
}

function pair(d: SearchPoint, p: PrefillPoint, shape: RequestShape, slo: Slo): ServingSearchPoint {
  // Prefill chips per decode chip so that prompts arrive as fast as answers finish.
  const prefillPerDecode =
    (d.tokensPerSPerChip * shape.inputTokens) / (shape.outputTokens * p.tokensPerSPerChip);
  const share = 1 / (1 + prefillPerDecode);
  const perChip = d.tokensPerSPerChip * share;
  const economics = mixEconomics(d.economics, p.economics, share);
  const perDollar = tokensPerDollar(perChip, economics);
  const missTtft = slo.ttftS !== undefined && p.ttftS > slo.ttftS;
  const missTpot = slo.tpotS !== undefined && d.tpotS > slo.tpotS;
  return {
    mode: "disaggregated",
    label: `decode ${d.label} | prefill ${p.label} (${(100 * (1 - share)).toFixed(0)} % of chips)`,
    tpotS: d.tpotS,
    ttftS: p.ttftS,
    tokensPerSPerChip: perChip,
    tokensPerSPerUser: d.tokensPerSPerUser,
    tokensPerKw: tokensPerKw(perChip, economics),
    ...(perDollar !== undefined ? { tokensPerDollar: perDollar } : {}),
    meetsSlo: !missTtft && !missTpot,
    kvTransferS: p.kvTransferS,
    decode: d,
    prefill: p,
    decodeChipShare: share,
  };
}

function shapeOverrides(shape: RequestShape) {
  const kv = Math.round(shape.inputTokens + shape.outputTokens / 2);
  return [
    { path: ["deployment", "decode", "kvLength"], value: kv },
    { path: ["deployment", "prefill", "promptLength"], value: shape.inputTokens },
  ];
}

/** The colocated pool: the decode group, serving whole requests. */
function colocatedData(data: unknown, shape: RequestShape): unknown {
  const d = data as { deployment: { decode: Record<string, unknown> } };
  const group = { ...d.deployment.decode, promptLength: shape.inputTokens, tokensPerChip: 1 };
  return { ...(data as object), deployment: { colocated: group } };
}

function withDocument(doc: SourceDocument, data: unknown): SourceDocument {
  return { ...doc, data };
}
