/**
 * The `serving` section of a scenario document: how the deployment serves requests — the router,
 * the batch scheduler of each instance, the paged KV cache, the prefix cache and the pooled DRAM
 * tier, the prefill→decode KV transfer, MTP sampling, and the SLOs goodput is measured against.
 * Every field has a default, so `serving: {}` (or no section at all) is a valid configuration.
 *
 * @example
 * serving:
 *   router: cache-aware
 *   scheduler: { maxBatchTokens: 16384, chunkedPrefill: true }
 *   prefixCache: { enabled: true, pooledTier: { enabled: true, via: ub } }
 *   slo: { ttftS: 2, tpotS: 0.05 }
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();
const positive = z.number().positive();

export const routerPolicySchema = z.enum(["round-robin", "least-outstanding", "cache-aware"]);
export type RouterPolicy = z.output<typeof routerPolicySchema>;

/**
 * Queueing policies of the batch scheduler, by name (one file each in serving/scheduler-policies/,
 * whose registry must cover exactly these names).
 */
export const SCHEDULER_POLICY_NAMES = ["fcfs", "priority"] as const;
export const schedulerPolicySchema = z.enum(SCHEDULER_POLICY_NAMES);
export type SchedulerPolicy = z.output<typeof schedulerPolicySchema>;

export const schedulerSchema = z.strictObject({
  /**
   * Most sequences decoding at once on one instance. Default: the deployment's operating point
   * (batch per chip × chips) when the scenario has one, else what the KV cache holds.
   */
  maxBatchSequences: positiveInt.optional(),
  /** Most new (prompt) tokens processed in one prefill iteration of one instance. */
  maxBatchTokens: positiveInt.default(16384),
  /** Split long prompts into chunks of at most `maxBatchTokens` (otherwise a prompt runs whole). */
  chunkedPrefill: z.boolean().default(true),
  /**
   * Whether an iteration that prefills also advances the decoding sequences (in-flight batching).
   * Default: as `chunkedPrefill` (chunked engines mix; vLLM's V0 scheduler without chunked prefill
   * ran prefill-only iterations). TensorRT-LLM mixes whole prompts with the generation tokens
   * without chunking (batch_manager microBatchScheduler: generation tokens counted first, a context
   * request admitted only if it fits whole): `chunkedPrefill: false, mixWithDecode: true`.
   */
  mixWithDecode: z.boolean().optional(),
  /**
   * With chunked prefill on a colocated instance, the decoding sequences' tokens (1 + MTP drafts
   * each) count against `maxBatchTokens` too, as in Sarathi-Serve's token budget and vLLM's
   * `max_num_batched_tokens`; false: the budget counts prompt tokens only.
   */
  budgetCountsDecodes: z.boolean().default(true),
  /**
   * A request's cached prefix (HBM or pooled-tier hit) counts against `maxBatchTokens` as if it were
   * prefilled: batches formed by prompt length, as CloudMatrix-Infer's "16K total tokens per NPU"
   * (arXiv:2506.12708v2 §5.4.3). False (vLLM, SGLang): only the tokens computed count.
   */
  budgetCountsCachedTokens: z.boolean().default(false),
  /**
   * Attention-DP context balancing (TensorRT-LLM `attention_dp_config: { enable_balance: true,
   * timeout_iters, batching_wait_iters }`, PyExecutor `_balance_adp_requests`): an instance with
   * attention DP holds new prompts back until every rank has one, then `batchingWaitIterations`
   * more iterations, or until `timeoutIterations` iterations have passed (an iteration counter that
   * runs whether or not prompts wait); absent, prompts are admitted as they come
   * (serving/attention-dp-balance.ts).
   */
  attentionDpBalance: z
    .strictObject({
      timeoutIterations: positiveInt,
      batchingWaitIterations: z.number().int().nonnegative(),
    })
    .optional(),
  /**
   * Order of waiting requests (serving/scheduler-policies/): `fcfs` arrival order, `priority`
   * priority class first (then arrival).
   */
  policy: schedulerPolicySchema.default("fcfs"),
  /** Admission control: requests over these limits are dropped with the reason recorded. */
  admission: z
    .strictObject({
      /** Most requests waiting (not yet prefilling) per instance. */
      maxQueuedRequests: positiveInt.optional(),
      /** Drop a request still waiting this long after it arrived. */
      maxQueueDelayS: positive.optional(),
    })
    .default({}),
});
export type SchedulerSpec = z.output<typeof schedulerSchema>;

export const kvCacheSchema = z.strictObject({
  /** Page (block) size of the paged KV cache. */
  blockTokens: positiveInt.default(128),
  /** Fraction of the instance's KV capacity the scheduler may fill (the rest is headroom). */
  usableFraction: z.number().gt(0).max(1).default(1),
  /** What happens to a running sequence when the cache is full: recompute its KV later, or swap it to host DRAM. */
  preemption: z.enum(["recompute", "swap"]).default("recompute"),
  /**
   * How the offline search bounds its batch by the cache (perf/offline-point.ts):
   * `guaranteed-no-evict` (absent: TensorRT-LLM's default CapacitySchedulerPolicy) admits a sequence
   * only with room for its whole prompt and answer (or prompt + `offline.maxTokens`);
   * `max-utilization` (TensorRT-LLM's MAX_UTILIZATION, MLPerf's `batch_scheduler_policy: max_util`)
   * allocates blocks as tokens arrive, so the cache bounds the KV the sequences in flight hold.
   * The serving simulator always allocates as tokens arrive (and preempts when the cache is full).
   */
  capacityPolicy: z.enum(["guaranteed-no-evict", "max-utilization"]).optional(),
  /**
   * What the cache keeps for a sliding-window layer: `window` (at most the window's tokens per
   * sequence) or `full-context` (every token, as a KV-cache manager with one window for all layers
   * allocates it; attention still reads only the window). Default: the engine's rule
   * (data/engines/<name>.yaml `slidingWindowKvCache`), else `window`. TensorRT-LLM:
   * `kv_cache_config.max_attention_window` set per layer gives `window`.
   */
  slidingWindowLayers: z.enum(["window", "full-context"]).optional(),
});
export type KvCacheSpec = z.output<typeof kvCacheSchema>;

/** A transfer path: which plane, and an optional bandwidth override (else derived from the system). */
const transferPathSchema = z.strictObject({
  /** `ub`: the scale-up fabric; `rdma`: the scale-out NICs; `vpc`: the front-end (Qingtian) network. */
  plane: z.enum(["ub", "rdma", "vpc"]),
  /** Aggregate bandwidth of the path; default derived from the system's per-chip/per-node figures. */
  bandwidthGBps: positive.optional(),
  /** Fixed latency per transfer; default the fabric's hop latency. */
  latencyS: z.number().nonnegative().optional(),
});

export const prefixCacheSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Fraction of the KV cache that may hold cached prefixes not used by a running request. */
  hbmFraction: z.number().min(0).max(1).default(0.3),
  /** CloudMatrix's EMS: a pooled DRAM tier shared by all instances. */
  pooledTier: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Pool capacity; default the DRAM of all nodes of the system. */
      capacityGB: positive.optional(),
      /** How an instance reads the pool: over the scale-up fabric (UB) or the VPC network. */
      via: z.enum(["ub", "vpc"]).default("ub"),
      bandwidthGBps: positive.optional(),
      latencyS: z.number().nonnegative().optional(),
    })
    .default({ enabled: false, via: "ub" }),
});
export type PrefixCacheSpec = z.output<typeof prefixCacheSchema>;

export const mtpSamplingSchema = z.strictObject({
  /** `per-step`: each sequence's accepted draft tokens are drawn every step; `mean`: every step emits the mean. */
  sampling: z.enum(["per-step", "mean"]).default("per-step"),
  /** Draft tokens per step; default 1 (acceptance is taken from the scenario's step model). */
  draftTokens: positiveInt.default(1),
});

export const sloSchema = z.strictObject({
  ttftS: positive.optional(),
  tpotS: positive.optional(),
});

export const servingSchema = z.strictObject({
  router: routerPolicySchema.default("least-outstanding"),
  scheduler: schedulerSchema.default({
    maxBatchTokens: 16384,
    chunkedPrefill: true,
    budgetCountsDecodes: true,
    budgetCountsCachedTokens: false,
    policy: "fcfs",
    admission: {},
  }),
  kvCache: kvCacheSchema.default({ blockTokens: 128, usableFraction: 1, preemption: "recompute" }),
  prefixCache: prefixCacheSchema.default({
    enabled: false,
    hbmFraction: 0.3,
    pooledTier: { enabled: false, via: "ub" },
  }),
  /** Prefill→decode KV transfer in disaggregated deployments (CloudMatrix-Infer uses the RDMA plane). */
  kvTransfer: transferPathSchema.default({ plane: "rdma" }),
  /** Where swapped-out KV goes (host DRAM); default over the scale-up fabric. */
  swapPath: transferPathSchema.default({ plane: "ub" }),
  mtp: mtpSamplingSchema.default({ sampling: "per-step", draftTokens: 1 }),
  slo: sloSchema.default({}),
  /** Interval of the queue-length / KV-use time series. */
  sampleIntervalS: positive.optional(),
  /** Keep one record per request in the result (JSON/CSV); off for very large runs. */
  recordRequests: z.boolean().default(true),
});

/** The parsed, defaulted `serving` section. */
export type ServingSpec = z.output<typeof servingSchema>;

/**
 * Whether the scheduler's prefill iterations also advance the decoding sequences.
 * @example mixesPrefillWithDecode({ chunkedPrefill: false, mixWithDecode: true }) // true
 */
export function mixesPrefillWithDecode(scheduler: {
  readonly chunkedPrefill: boolean;
  readonly mixWithDecode?: boolean | undefined;
}): boolean {
  return scheduler.mixWithDecode ?? scheduler.chunkedPrefill;
}
