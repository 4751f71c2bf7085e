/**
 * The prefill pool a decode-only search keeps as written, and how fast it feeds the decode pool.
 * A decode instance cannot emit tokens for requests that have not been prefilled: at a request
 * shape of `input` prompt and `output` answer tokens, a prefill pool of C chips at P prompt
 * tokens/s per chip delivers C × P ÷ input requests per second, so the decode pool can emit at most
 * C × P × output ÷ input tokens/s, whatever its own step rate. A decode point that could emit more
 * is limited to that (`feedLimited`): its decode batch would stay partly empty, as the serving
 * simulator shows (a 384-NPU decode pool beside CloudMatrix-Infer's 96 prefill NPUs re-checked at
 * −57 % before this limit). The same rate matching as `searchServing`'s disaggregated mode, with
 * the prefill pool fixed instead of sized.
 *
 * P is the step model's prefill of the pool as written at the shape's prompt length (its own
 * tokens per chip per iteration); the TTFT is that prefill's full iteration plus the prompt's KV
 * transfer to the decode pool (`promptKvTransfer`, the engines' accounting: the first token
 * reaches the user from the decode instance, after the transfer). No queueing.
 */
import { parseScenarioSource, type Scenario } from "../deploy/index.ts";
import { estimate, type RequestShape, workloadShape } from "../perf/index.ts";
import { promptKvTransfer } from "../serving/index.ts";
import { type SourceDocument, SupernodeError } from "../spec/index.ts";
import type { SearchOptions, SearchPoint } from "./search-types.ts";

export { workloadShape };

export interface PrefillFeed {
  readonly shape: RequestShape;
  /** Chips of the prefill pool as written (instances × chips per instance). */
  readonly prefillChips: number;
  /** The step model's prompt tokens/s per prefill chip at the shape's prompt length. */
  readonly prefillTokensPerSPerChip: number;
  /** Output tokens/s the pool lets the decode pool emit: chips × P × output ÷ input. */
  readonly outputTokensPerS: number;
  /** One prompt's full prefill iteration plus its KV transfer (no queueing). */
  readonly ttftS: number;
  readonly kvTransferS: number;
}

/**
 * The feed of the base scenario's prefill pool at `shape`; undefined when there is no prefill group.
 * @example prefillFeed(doc, base, { inputTokens: 3072, outputTokens: 2048 }, {})?.outputTokensPerS
 */
export function prefillFeed(
  doc: SourceDocument,
  base: Scenario,
  shape: RequestShape,
  options: Pick<SearchOptions, "catalog" | "parseOptions">,
): PrefillFeed | undefined {
  const written = base.deployment.prefill;
  if (written === undefined) return undefined;
  const scenario = parseScenarioSource(doc, options.catalog, {
    ...options.parseOptions,
    overrides: [
      { path: ["deployment", "prefill", "promptLength"], value: Math.max(1, Math.round(shape.inputTokens)) },
      { path: ["deployment", "decode"], value: null },
    ],
  });
  const prefill = estimate(scenario).prefill;
  if (prefill === undefined) return undefined;
  const kvTransferS = promptKvTransfer(base, shape.inputTokens).transferS;
  const prefillChips = written.instances * written.chipsPerInstance;
  return {
    shape,
    prefillChips,
    prefillTokensPerSPerChip: prefill.tokensPerSPerChip,
    outputTokensPerS: (prefillChips * prefill.tokensPerSPerChip * shape.outputTokens) / shape.inputTokens,
    ttftS: prefill.ttftS + kvTransferS,
    kvTransferS,
  };
}

/**
 * A decode point as the prefill pool can feed it: tokens/s per decode chip at most the feed over
 * the decode chips (`decodeChips`: the point's chips per instance × instances); per kW and per
 * dollar scale with it (power and cost kept at the full batch's: an upper bound). TPOT stays the
 * full batch's, an upper bound too (the smaller batch the pool can fill is its own candidate).
 */
export function feedLimited(point: SearchPoint, feed: PrefillFeed, decodeChips: number): SearchPoint {
  const limit = feed.outputTokensPerS / decodeChips;
  if (point.tokensPerSPerChip <= limit) return point;
  const f = limit / point.tokensPerSPerChip;
  return {
    ...point,
    tokensPerSPerChip: limit,
    tokensPerKw: point.tokensPerKw * f,
    ...(point.tokensPerDollar !== undefined ? { tokensPerDollar: point.tokensPerDollar * f } : {}),
    prefillLimited: { decodeTokensPerSPerChip: point.tokensPerSPerChip },
  };
}

/** What a decode search takes from the prefill pool it keeps: the TTFT, and the feed when a shape is known. */
export interface FixedPrefill {
  readonly ttftS?: number;
  readonly feed?: PrefillFeed;
}

/**
 * The prefill pool of a decode search, computed once: at the request shape (`options.prefillFeed`,
 * else the workload's) its feed and TTFT; without a shape, the TTFT of the pool as written (its
 * prompt length) plus that prompt's KV transfer, and no rate matching. `prefill` is the base
 * estimate's prefill TTFT (undefined: it does not fit).
 */
export function fixedPrefill(
  doc: SourceDocument,
  base: Scenario,
  prefillTtftS: number | undefined,
  options: Pick<SearchOptions, "catalog" | "parseOptions" | "prefillFeed">,
): FixedPrefill {
  const written = base.deployment.prefill;
  if (written === undefined) return {};
  const shape = options.prefillFeed === false ? undefined : (options.prefillFeed ?? workloadShape(base));
  if (shape !== undefined) {
    const feed = feedOrInfeasible(doc, base, shape, options);
    if (feed !== undefined) return { ttftS: feed.ttftS, feed };
  }
  if (prefillTtftS === undefined) return {};
  return { ttftS: prefillTtftS + promptKvTransfer(base, written.promptLength ?? 0).transferS };
}

function feedOrInfeasible(
  doc: SourceDocument,
  base: Scenario,
  shape: RequestShape,
  options: Pick<SearchOptions, "catalog" | "parseOptions">,
): PrefillFeed | undefined {
  try {
    return prefillFeed(doc, base, shape, options);
  } catch (error) {
    if (error instanceof SupernodeError && error.kind === "infeasible") return undefined;
    throw error;
  }
}
