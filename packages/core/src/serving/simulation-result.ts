/**
 * What a serving simulation returns: plain, JSON-serialisable data (no classes, no Maps), so the
 * same seed gives byte-identical `JSON.stringify` output. SI units throughout.
 */
import type { DropReason } from "./request-pool.ts";

/** Count, exact mean and maximum; percentiles from a DDSketch (latency-stats.ts). */
export interface LatencyStats {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Bound on the relative error of p50, p90 and p99 against the exact sample quantiles (0.001 = 0.1 %). */
  readonly percentileRelativeError: number;
}

export interface InstanceSummary {
  readonly id: number;
  readonly role: "prefill" | "decode" | "colocated";
  readonly chips: number;
  readonly iterations: number;
  readonly decodeSteps: number;
  /** Fraction of the simulated time the instance was running an iteration. */
  readonly busyFraction: number;
  /** Time-averaged and peak fraction of the KV capacity in use (running sequences). */
  readonly meanKvUse: number;
  readonly peakKvUse: number;
  readonly kvCapacityTokens: number;
  readonly maxBatchSequences: number;
}

export interface SimulationSummary {
  readonly requests: {
    readonly arrived: number;
    readonly completed: number;
    readonly dropped: number;
    readonly droppedByReason: Readonly<Record<DropReason, number>>;
  };
  /** Simulated time from 0 to the last completion (or drop). */
  readonly simulatedS: number;
  readonly ttftS: LatencyStats;
  readonly tpotS: LatencyStats;
  /**
   * Inter-token latency: every decode token's interval since its sequence's previous token, one
   * value per token (inter-token-latency.ts); `count` is the number of intervals. Benchmarks'
   * "median ITL" is its p50.
   */
  readonly itlS: LatencyStats;
  readonly e2eS: LatencyStats;
  /** Arrival to first prefill iteration. */
  readonly queueDelayS: LatencyStats;
  readonly throughput: {
    readonly requestsPerS: number;
    readonly inputTokensPerS: number;
    readonly outputTokensPerS: number;
    readonly inputTokensPerSPerChip: number;
    readonly outputTokensPerSPerChip: number;
    readonly chips: number;
  };
  readonly slo: {
    readonly ttftS: number | null;
    readonly tpotS: number | null;
    /** Fraction of arrived requests completed within both limits. */
    readonly attainment: number;
    readonly goodputRequestsPerS: number;
    readonly goodputOutputTokensPerS: number;
  };
  readonly prefixCache: {
    /** Prompt tokens that belong to a shared prefix. */
    readonly eligibleTokens: number;
    readonly hbmHitTokens: number;
    readonly poolHitTokens: number;
    /** (HBM + pool hits) / eligible. */
    readonly hitRate: number;
  };
  readonly prefill: {
    /** Prompt tokens of all requests that started prefill (including recompute). */
    readonly requestedTokens: number;
    /** Tokens prefill actually computed (cache hits excluded). */
    readonly computedTokens: number;
  };
  readonly preemptions: { readonly recompute: number; readonly swap: number };
  /** L = λW on the simulation's own accounting (the in-system count integrated over time). */
  readonly littlesLaw: {
    readonly meanInSystem: number;
    readonly departuresPerS: number;
    readonly meanSojournS: number;
  };
  readonly engine: { readonly events: number; readonly iterations: number; readonly decodeSteps: number };
}

export interface TimeSeries {
  readonly intervalS: number;
  readonly timeS: number[];
  /** Requests waiting for prefill (incl. loading from the pool), summed over instances. */
  readonly waitingPrefill: number[];
  /** Requests waiting for a decode slot (incl. in KV transfer and swapped out). */
  readonly waitingDecode: number[];
  readonly running: number[];
  readonly inSystem: number[];
  /** Mean KV use over instances of the role (colocated counts as decode). */
  readonly kvUsePrefill: number[];
  readonly kvUseDecode: number[];
}

/** One request's outcome, as handed to `SimulateOptions.onRequest` when it finishes or is dropped. */
export interface RequestRecord {
  /** Arrival order (0 = first request). */
  readonly id: number;
  readonly arrivalS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly cachedTokens: number;
  readonly priority: number;
  /** null for dropped requests. */
  readonly ttftS: number | null;
  readonly e2eS: number | null;
  readonly prefillInstance: number;
  readonly decodeInstance: number;
  readonly preemptions: number;
  /** "" when completed. */
  readonly dropReason: string;
}

/** Per-request records, one array per field (index = request id). */
export interface RequestRecords {
  readonly arrivalS: number[];
  readonly promptTokens: number[];
  readonly outputTokens: number[];
  readonly cachedTokens: number[];
  /** Priority value of the request's class. */
  readonly priority: number[];
  /** null for dropped requests. */
  readonly ttftS: Array<number | null>;
  readonly e2eS: Array<number | null>;
  readonly prefillInstance: number[];
  readonly decodeInstance: number[];
  readonly preemptions: number[];
  /** "" when completed. */
  readonly dropReason: string[];
}

export interface IterationTrace {
  /** Parallel arrays, one entry per iteration (or per run of identical decode steps). */
  readonly instance: number[];
  readonly startS: number[];
  readonly durationS: number[];
  readonly kind: Array<"prefill" | "decode" | "mixed">;
  readonly sequences: number[];
  readonly newTokens: number[];
  readonly steps: number[];
  /** True when the trace stopped recording at its event limit. */
  readonly truncated: boolean;
}

export interface SimulationConfigEcho {
  readonly seed: number;
  readonly stop: { readonly requests: number | null; readonly durationS: number | null };
  readonly mode: "colocated" | "disaggregated";
  readonly router: string;
  readonly mtp: { readonly draftTokens: number; readonly acceptance: number; readonly sampling: string };
  readonly kvTransfer: string | null;
  readonly pooledTier: string | null;
}

export interface SimulationResult {
  readonly config: SimulationConfigEcho;
  readonly summary: SimulationSummary;
  readonly instances: InstanceSummary[];
  readonly timeSeries: TimeSeries;
  readonly requests?: RequestRecords;
  readonly trace: IterationTrace;
}

/** Progress of a running simulation, for a progress bar. */
export interface SimulationProgress {
  readonly arrived: number;
  readonly finished: number;
  /** Requests the run will send, when known (`--requests`). */
  readonly total: number | null;
  readonly simTimeS: number;
}
