/** What a deployment search takes (options, SLOs) and returns (points, ranking, prune counts). */
import type { ParseScenarioOptions, ScenarioCatalog } from "../deploy/index.ts";
import type { ScenarioOverride } from "../spec/index.ts";
import type { RequestShape } from "./chunked-step.ts";
import type { PointEconomics, RankBy } from "./point-economics.ts";
import type { PrefillFeed } from "./prefill-feed.ts";
import type { Candidate, SearchSpace } from "./search-space.ts";

/** Latency targets; a point that misses one is evaluated (and on the frontier) but not ranked. */
export interface Slo {
  readonly tpotS?: number;
  readonly ttftS?: number;
}

export interface SearchPoint {
  readonly candidate: Candidate;
  readonly label: string;
  /** The overrides that make the base document this deployment (`--set` form). */
  readonly overrides: readonly ScenarioOverride[];
  readonly tpotS: number;
  readonly ttftS?: number;
  readonly tokensPerSPerChip: number;
  /** 1 / TPOT: output tokens per second each sequence sees. */
  readonly tokensPerSPerUser: number;
  readonly memoryPerChipBytes: number;
  readonly meetsSlo: boolean;
  /** Seconds of one decode (or chunked colocated) iteration. */
  readonly stepS: number;
  /** Facility power and cost per chip at this load (energy layer). */
  readonly economics: PointEconomics;
  /** Output tokens/s per kW of facility power. */
  readonly tokensPerKw: number;
  /** Output tokens per dollar of TCO (undefined: no system price in the data). */
  readonly tokensPerDollar?: number;
  /** Chunked colocated serving: prompt tokens per chip chunked into each iteration. */
  readonly chunkTokensPerChip?: number;
  /**
   * Decode beside a fixed prefill pool that cannot feed the full batch (`prefill-feed.ts`):
   * `tokensPerSPerChip` is the feed's limit, this the decode pool's own full-batch rate.
   */
  readonly prefillLimited?: { readonly decodeTokensPerSPerChip: number };
}

export interface SearchResult {
  readonly space: SearchSpace;
  /** Candidates in the space (layouts × batches). */
  readonly total: number;
  /** Candidates resolved and estimated by the step model. */
  readonly evaluated: number;
  /** Candidates pruned, per reason (does not divide, does not fit, invalid). */
  readonly pruned: Readonly<Record<string, number>>;
  /** Evaluated candidates that missed an SLO, per SLO. */
  readonly sloMisses: { readonly tpot: number; readonly ttft: number };
  /** Every evaluated point, in enumeration order. */
  readonly points: readonly SearchPoint[];
  /** The points that meet the SLOs, best first by `rankBy`. */
  readonly ranked: readonly SearchPoint[];
  readonly rankBy: RankBy;
  /** The base scenario as written, estimated, for comparison. */
  readonly base: { readonly tpotS: number; readonly tokensPerSPerChip: number; readonly ttftS?: number };
  /** True when `shouldStop` ended the search early (the result is the best so far). */
  readonly stopped: boolean;
  /** Decode search: the prefill pool kept as written and what it feeds (absent: not rate-matched). */
  readonly prefillFeed?: PrefillFeed;
}

export interface SearchOptions {
  readonly catalog?: ScenarioCatalog;
  /** How the base scenario was read (model config files, dtype mapping); every candidate reads the same. */
  readonly parseOptions?: Omit<ParseScenarioOptions, "overrides">;
  readonly space?: SearchSpace;
  readonly slo?: Slo;
  /** Called every `progressEvery` candidates with the candidates done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** Polled between layouts; true ends the search with what it has (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /** What the ranking maximizes (default tokens/s per chip). */
  readonly rankBy?: RankBy;
  /**
   * Colocated groups only: serve this request shape with chunked prefill in every iteration
   * (`chunked-step.ts`); TPOT, TTFT and tokens/s per chip are those of the steady state.
   */
  readonly chunked?: RequestShape;
  /**
   * Decode groups beside a prefill group kept as written: the request shape at which that pool
   * feeds the decode pool (`prefill-feed.ts`; default the workload's mean prompt and output
   * tokens, when the scenario has a workload). False: no rate matching (`searchServing` sizes
   * both pools itself).
   */
  readonly prefillFeed?: RequestShape | false;
  /**
   * The request shape at which a decode (or colocated) batch must hold its KV cache at full length
   * in the simulator's cache (`kv-fit.ts`); default the chunked shape, the prefill feed's shape, or
   * the workload's mean prompt and output tokens. Without any, batches fit at the plan's KV length only.
   */
  readonly kvFitShape?: RequestShape;
}
