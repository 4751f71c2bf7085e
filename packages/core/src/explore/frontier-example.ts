/**
 * Frontier examples: a published comparison ("N× at this interactivity") as data — the request
 * shape, the SLOs, one scenario per system, the search space — plus variants of the target system
 * with one factor taken away each, so the ratio is decomposed the way vendors present it. Running
 * one (`runFrontierExample`) searches every series in both serving modes (`searchServing`),
 * reads each frontier at the stated interactivity and reports the ratio and the factors.
 */
import { builtinCatalog, type Catalog, extendCatalog } from "../catalog/index.ts";
import { parseScenarioSource } from "../deploy/index.ts";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { RequestShape } from "./chunked-step.ts";
import { DEEPSEEK_CM384_NVL72_H800 } from "./example-deepseek.ts";
import { GPT_MOE_NVL72_VS_H100 } from "./example-gpt-moe.ts";
import type { RankBy } from "./point-economics.ts";
import type { Slo } from "./search.ts";
import type { SearchSpace } from "./search-space.ts";
import {
  defaultPrefillSpace,
  type ServingSearchPoint,
  type ServingSearchResult,
  searchServing,
} from "./serving-search.ts";

export interface FrontierExampleSeries {
  readonly id: string;
  readonly label: string;
  /** The scenario document (prefill and decode groups); the search varies its groups. */
  readonly document: Readonly<Record<string, unknown>>;
  /** The decode and colocated space; the prefill space follows it (`defaultPrefillSpace`). */
  readonly space: SearchSpace;
}

export interface FrontierExampleVariant extends FrontierExampleSeries {
  /** The factor this variant takes away from the target, e.g. "FP4". */
  readonly factor: string;
}

export interface FrontierExample {
  readonly id: string;
  readonly title: string;
  readonly claim: {
    /** The published ratio, where the claim is one. */
    readonly ratio?: number;
    readonly text: string;
    readonly sources: readonly { readonly title: string; readonly url: string }[];
  };
  readonly shape: RequestShape;
  readonly slo: Slo;
  /** Interactivity (tokens/s per user) at which the ratio is read. */
  readonly atTokensPerSPerUser: number;
  /** Hardware definitions the variants need (a hardware file's text). */
  readonly hardware?: string;
  /** Series ids of the target and the baseline of the ratio. */
  readonly target: string;
  readonly baseline: string;
  readonly series: readonly FrontierExampleSeries[];
  readonly variants: readonly FrontierExampleVariant[];
}

export interface ExampleSeriesResult {
  readonly id: string;
  readonly label: string;
  readonly system: string;
  /** Accelerator packages in one system (384, 72, 8): per-system figures are per chip × this. */
  readonly chipsPerSystem: number;
  readonly result: ServingSearchResult;
  /** The frontier point read at the interactivity: the best one at least that interactive. */
  readonly atPoint?: ServingSearchPoint;
  /** Candidates of the three pools (decode, prefill, colocated) and how many were estimated. */
  readonly candidates: number;
  readonly evaluated: number;
  readonly pruned: Readonly<Record<string, number>>;
}

export interface FrontierExampleResult {
  readonly example: Omit<FrontierExample, "series" | "variants" | "hardware">;
  readonly series: readonly ExampleSeriesResult[];
  readonly variants: readonly ExampleSeriesResult[];
  /** Target ÷ baseline tokens/s per chip at the interactivity (undefined: a side reaches none). */
  readonly ratio?: number;
  /** Per variant: target ÷ variant at the interactivity (what that factor is worth alone). */
  readonly factors: readonly { readonly factor: string; readonly variant: string; readonly gain?: number }[];
  /** The ratio left after dividing out every factor (the chip itself and everything else). */
  readonly remainder?: number;
}

export const FRONTIER_EXAMPLES: Readonly<Record<string, FrontierExample>> = {
  [GPT_MOE_NVL72_VS_H100.id]: GPT_MOE_NVL72_VS_H100,
  [DEEPSEEK_CM384_NVL72_H800.id]: DEEPSEEK_CM384_NVL72_H800,
};

/**
 * @example frontierExample("gpt-moe-1.8t-nvl72-vs-h100").shape.inputTokens // 32768
 */
export function frontierExample(id: string): FrontierExample {
  const e = FRONTIER_EXAMPLES[id];
  if (e === undefined)
    throw new SupernodeError(
      "usage",
      `no frontier example "${id}"; examples: ${Object.keys(FRONTIER_EXAMPLES).join(", ")}`,
    );
  return e;
}

export interface RunExampleOptions {
  readonly catalog?: Catalog;
  readonly rankBy?: RankBy;
  /** Called before each series or variant is searched. */
  readonly onSeries?: (label: string, index: number, count: number) => void;
  readonly shouldStop?: () => boolean;
}

/**
 * Searches every series and variant of an example and reads the ratio and the factors.
 * @example runFrontierExample(frontierExample("gpt-moe-1.8t-nvl72-vs-h100")).ratio
 */
export function runFrontierExample(
  example: FrontierExample,
  options: RunExampleOptions = {},
): FrontierExampleResult {
  const base = options.catalog ?? builtinCatalog();
  const catalog =
    example.hardware !== undefined
      ? extendCatalog(base, example.hardware, `${example.id} (what-if hardware)`)
      : base;
  const all = [...example.series, ...example.variants];
  const run = (s: FrontierExampleSeries, i: number): ExampleSeriesResult => {
    options.onSeries?.(s.label, i, all.length);
    return runSeries(example, s, catalog, options);
  };
  const series = example.series.map((s, i) => run(s, i));
  const variants = example.variants.map((s, i) => run(s, example.series.length + i));
  const at = (id: string) => series.find((s) => s.id === id)?.atPoint?.tokensPerSPerChip;
  const target = at(example.target);
  const baseline = at(example.baseline);
  const factors = example.variants.map((v, i) => {
    const there = variants[i]?.atPoint?.tokensPerSPerChip;
    return {
      factor: v.factor,
      variant: v.label,
      ...(target !== undefined && there !== undefined && there > 0 ? { gain: target / there } : {}),
    };
  });
  const ratio =
    target !== undefined && baseline !== undefined && baseline > 0 ? target / baseline : undefined;
  const product = factors.reduce(
    (p, f) => (f.gain !== undefined && p !== undefined ? p * f.gain : undefined),
    1 as number | undefined,
  );
  const { series: _s, variants: _v, hardware: _h, ...meta } = example;
  return {
    example: meta,
    series,
    variants,
    ...(ratio !== undefined ? { ratio } : {}),
    factors,
    ...(ratio !== undefined && product !== undefined && factors.length > 0
      ? { remainder: ratio / product }
      : {}),
  };
}

function runSeries(
  example: FrontierExample,
  s: FrontierExampleSeries,
  catalog: Catalog,
  options: RunExampleOptions,
): ExampleSeriesResult {
  const doc = objectDocument(s.document, `${example.id}: ${s.id}`);
  const base = parseScenarioSource(doc, catalog);
  const result = searchServing(doc, base, {
    catalog,
    shape: example.shape,
    slo: example.slo,
    ...(options.rankBy !== undefined ? { rankBy: options.rankBy } : {}),
    ...(options.shouldStop !== undefined ? { shouldStop: options.shouldStop } : {}),
    spaces: {
      decode: s.space,
      prefill: defaultPrefillSpace(s.space),
      colocated: { ...s.space, role: "colocated" },
    },
  });
  const pools = [result.disaggregated?.decode, result.disaggregated?.prefill, result.colocated];
  const pruned: Record<string, number> = {};
  for (const p of pools)
    for (const [k, n] of Object.entries(p?.pruned ?? {})) pruned[k] = (pruned[k] ?? 0) + n;
  let atPoint: ServingSearchPoint | undefined;
  for (const p of result.frontier)
    if (
      p.tokensPerSPerUser >= example.atTokensPerSPerUser &&
      (atPoint === undefined || p.tokensPerSPerChip > atPoint.tokensPerSPerChip)
    )
      atPoint = p;
  return {
    id: s.id,
    label: s.label,
    system: base.system.name,
    chipsPerSystem: base.system.nodes.value * base.system.node.accelerator.count.value,
    result,
    ...(atPoint !== undefined ? { atPoint } : {}),
    candidates: pools.reduce((n, p) => n + (p?.total ?? 0), 0),
    evaluated: pools.reduce((n, p) => n + (p?.evaluated ?? 0), 0),
    pruned,
  };
}

/** A scenario document from plain data (locations point at the example, not a file line). */
function objectDocument(data: Readonly<Record<string, unknown>>, fileName: string): SourceDocument {
  return { fileName, data, locate: () => undefined };
}
