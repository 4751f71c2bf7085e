/**
 * The offline (maximum-throughput) operating point of a colocated deployment: continuous batching
 * with chunked prefill, every request available, mean prompt length I and output length O (fixed,
 * or the means of length distributions, whose decode context and KV reservation replace I + O/2 and
 * I + O below: deploy/offline-lengths.ts).
 * For a batch of B sequences per instance, one generation of the batch costs
 *
 *   B·I / c mixed iterations (c = C − q·B prefill tokens next to the decoding sequences, C the
 *   scheduler's token budget, q = 1 + draft tokens charged per decoding sequence)
 *   + ((O − 1) / τ + 1 − B·I / c) decode-only steps of B sequences at the mean KV length I + O/2
 *   (τ: tokens per step with MTP or a draft model; each sequence spends about one iteration in
 *   prefill)
 *
 * and delivers B·O output tokens. With `serving.scheduler.mixWithDecode: false` (SGLang's default:
 * no --enable-mixed-chunk) each prefill iteration runs alone on c = C prompt tokens and the batch
 * pays all (O − 1) / τ decode-only steps (offline-generation.ts). A hybrid model under an engine
 * that keeps its recurrent state in a pool of its own (SGLang) has the KV share of the memory for
 * its KV cache and the engine's running-request cap as a bound (hybrid-state-pool.ts).
 * Mixed iterations are timed as the simulator times them
 * (`mixedStepS`: one pass over the prefill chunk and the decode tokens). The search tries batches from one sequence per attention-DP group up to what
 * the KV cache holds without preemption (B · (I + O + block) tokens; under
 * `serving.kvCache.capacityPolicy: max-utilization` the KV the sequences hold, B · (I + O/2 + block),
 * see `kvPerSequence`) or `maxSequencesPerInstance`,
 * keeps those meeting `slo.tpotS` (mean time between output tokens), and reports the one with the
 * most output tokens/s. It uses the same `InstancePerformance` the serving simulator runs, so a
 * closed loop at the chosen concurrency measures the same operating point.
 *
 * With `offline.requests` = N the point is a finite run, as trtllm-bench `throughput` and MLPerf's
 * Offline scenario measure it: all N requests queued at once, admitted as the batch limits allow
 * (the largest batch B the search permits, not the best one), and throughput = N·O over the whole
 * run. With fixed lengths and chunked prefill the run is floor(N / B) generations of B followed by
 * one generation of the remaining N mod B sequences at that smaller batch (the drain), see
 * `finiteRun` (offline-finite-run.ts). Under attention DP the per-group limits are multiples of the
 * groups, but the run's batch (N when it fits) and its tail need not be: they are placed evenly and
 * timed at the busiest group's batch (busiest-group.ts). With whole prompts (no chunking) admission
 * is staggered and the run is played iteration by iteration up to the engine's batch limit
 * (offline-pipelined-run.ts).
 * The batch is also one the engine can hold: admitting it must take no longer than a sequence's
 * lifetime (`sustained`), else the prompts admitted per iteration, not the KV cache, bound the
 * population.
 */
import {
  fixedOfflineLengths,
  kvPerSequence,
  lengthPoints,
  type OfflineLengths,
  reservedToMaxTokens,
  type Scenario,
  servingKvBytesPerToken,
} from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { hybridStateLimits } from "./hybrid-state-pool.ts";
import { finiteRun, pipelinedFiniteRun, withAdmissionBound } from "./offline-finite-run.ts";
import { batchGrid, type OfflineShape, offlinePoint } from "./offline-generation.ts";
import type { PipelinedRun, PipelinedRunShape } from "./offline-pipelined-run.ts";
import { instancePerformance } from "./step-instance-performance.ts";

export interface OfflinePoint {
  readonly sequencesPerInstance: number;
  readonly batchPerChip: number;
  /** One generation of the whole batch: its mixed (prefill chunk + decode) iterations and its decode-only steps. */
  readonly prefillS: number;
  readonly decodeS: number;
  readonly decodeStepS: number;
  /** Mean time between output tokens of a sequence (decode steps and the prefill chunks between them). */
  readonly tpotS: number;
  /**
   * Whether the engine can hold this many sequences at once: admitting the batch takes its mixed
   * iterations (B·I / c), and a sequence lives about (O − 1)/τ + 1 iterations, so the first
   * sequences finish before the last enter when admission takes longer than a lifetime.
   */
  readonly sustained: boolean;
  readonly outputTokensPerSPerInstance: number;
  readonly outputTokensPerSPerChip: number;
  readonly inputTokensPerSPerChip: number;
  /** With `offline.requests`: the requests of the run and its duration (fill, full generations, drain). */
  readonly run?: {
    readonly requests: number;
    readonly durationS: number;
    readonly tailSequences: number;
    /** Whole prompts (no chunking): the run played iteration by iteration (offline-pipelined-run.ts). */
    readonly pipelined?: Omit<PipelinedRun, "durationS">;
  };
}

export interface OfflineEstimate {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly chunkTokens: number;
  /**
   * With a length distribution or the requests' max_tokens: what they imply (means, decode context,
   * KV reserved per sequence).
   */
  readonly lengths?: OfflineLengths;
  readonly kvCacheCapacityTokens: number;
  /** KV tokens the search counts per sequence in flight, a block aside (`kvPerSequence`). */
  readonly kvTokensPerSequence: number;
  readonly best: OfflinePoint;
  /**
   * What stopped the batch from growing: the KV cache, a hybrid model's state pool (the engine's
   * running-request cap, hybrid-state-pool.ts), the TPOT SLO, `maxSequencesPerInstance` (or a
   * finite run's requests), the scheduler's token budget (no room for prefill beside the decodes, or,
   * in a finite run, admission slower than a lifetime), or "throughput" (an open-ended search keeping
   * a smaller, faster batch).
   */
  readonly limit: "kv-cache" | "state-pool" | "slo-tpot" | "max-sequences" | "token-budget" | "throughput";
  /** The batches tried (a geometric grid, with a finite run's exact admission bound), for plots. */
  readonly candidates: readonly OfflinePoint[];
}

/**
 * Searches the batch of the offline point of a scenario with an `offline` section.
 * @example offlineSearch(scenario).best.outputTokensPerSPerChip
 */
export function offlineSearch(scenario: Scenario): OfflineEstimate {
  const offline = scenario.offline;
  const plan = scenario.deployment.colocated;
  if (offline === undefined || plan === undefined)
    throw new SupernodeError(
      "usage",
      "offlineSearch needs a scenario with an offline section and a colocated group",
      {
        file: scenario.fileName,
        fieldPath: ["offline"],
      },
    );
  const serving = scenario.serving;
  const chunk = serving?.scheduler.maxBatchTokens ?? 16384;
  const block = serving?.kvCache.blockTokens ?? 128;
  const usable = serving?.kvCache.usableFraction ?? 1;
  const perf = instancePerformance(scenario, "colocated");
  const pool = Math.floor(perf.kvCacheCapacityTokens * usable);
  // A hybrid model under an engine with a state pool of its own: the KV pool is the memory's KV
  // share, and the engine's running-request cap bounds the batch (hybrid-state-pool.ts).
  const hybrid = hybridStateLimits(scenario, plan, pool);
  const capacity = hybrid?.kvTokens ?? pool;
  const prompt = offline.promptTokens;
  const output = offline.outputTokens;
  // What the lengths imply (deploy/offline-lengths.ts): fixed lengths, or a distribution's moments;
  // with the requests' max_tokens each sequence reserves its prompt and that cap, windowed layers
  // their window, in the tokens the capacity counts (a hybrid engine's pool: full layers only).
  const { attention } = plan.pipeline?.stage ?? plan;
  const lengths = reservedToMaxTokens(
    offline.lengths ?? fixedOfflineLengths(prompt, output),
    offline.maxTokens,
    {
      context: plan.kvLength ?? prompt + output / 2,
      bytesPerTokenAt: (c) =>
        servingKvBytesPerToken(scenario.model, scenario.precision, c, attention.tp, hybrid !== undefined),
    },
  );
  // Batches whose sequences divide over every attention-DP group (a finite run's may not: below).
  // Not whole chips: an engine admits any number of requests, and a tensor-parallel instance runs
  // fewer sequences than it has chips (batchPerChip may be a fraction; vLLM-Ascend's TP16 at
  // concurrency 2 on 8 NPUs).
  const dp = attention.dp;
  const unit = dp;
  const perSequence = kvPerSequence(lengths, serving?.kvCache.capacityPolicy);
  const kvMax = Math.floor(capacity / (perSequence + block) / unit) * unit;
  const stateMax =
    hybrid !== undefined ? Math.floor(hybrid.maxRunningSequences / unit) * unit : Number.POSITIVE_INFINITY;
  const cap =
    offline.maxSequencesPerInstance !== undefined
      ? Math.floor(offline.maxSequencesPerInstance / unit) * unit
      : Number.POSITIVE_INFINITY;
  const requests = offline.requests;
  // The per-group limits (the KV cache, the state pool, the running-sequence cap) in multiples of
  // the groups; a finite run holds at most its requests, placed evenly over the groups (⌈N / D⌉ on
  // the busiest, busiest-group.ts), so its largest batch need not be a multiple.
  const groupMax = Math.min(kvMax, stateMax, cap);
  const max = Math.min(groupMax, requests ?? Number.POSITIVE_INFINITY);
  if (groupMax < unit) {
    // Name the limit that leaves less than one batch unit (one sequence per attention-DP group).
    const why =
      cap < unit
        ? `maxSequencesPerInstance ${offline.maxSequencesPerInstance} is below the smallest batch the instance runs, ${unit} sequences (one per attention-DP group)`
        : stateMax < unit
          ? `the engine's state pool runs at most ${hybrid?.maxRunningSequences} sequences, less than ${unit} (one per attention-DP group)`
          : `the KV cache holds ${capacity.toLocaleString("en-US")} tokens, less than ${unit} sequences × ${Math.round(perSequence + block)} tokens (${perSequence !== lengths.reservation ? "prompt + half the output, as held under max-utilization," : `prompt + ${offline.maxTokens === undefined ? "output" : lengths.reservation < lengths.prompt + offline.maxTokens ? "max_tokens, windowed layers at most their window," : "max_tokens"}`} + a block)`;
    throw new SupernodeError("infeasible", `the offline point does not fit: ${why}`, {
      file: scenario.fileName,
      fieldPath: cap < unit ? ["offline", "maxSequencesPerInstance"] : ["offline"],
    });
  }
  const scheduler = serving?.scheduler;
  // Decode tokens count against the budget with or without chunking (TensorRT-LLM's max_num_tokens
  // counts context and generation tokens; its chunked prefill is off under trtllm-bench).
  const charged = (scheduler?.budgetCountsDecodes ?? true) ? 1 + (plan.mtp?.draftTokens ?? 0) : 0;
  const shape: OfflineShape & Pick<PipelinedRunShape, "attentionChunk" | "answers"> = {
    chips: plan.chipsPerInstance,
    prompt,
    output,
    decodeContext: lengths.decodeContext,
    promptPairsPerToken: lengths.promptPairsPerToken,
    ...(scenario.model.slidingWindow?.chunked === true && {
      attentionChunk: scenario.model.slidingWindow.size,
    }),
    budget: chunk,
    decodeTokensCharged: charged,
    dp,
    chunked: scheduler?.chunkedPrefill ?? true,
    // As stated (`mixWithDecode`), else mixed: the whole-prompt path models TensorRT-LLM's mixed
    // admission (offline-pipelined-run.ts), which a stated `false` does not change.
    mixes: scheduler?.mixWithDecode ?? true,
    // SGLang's PrefillDelayer (--enable-prefill-delayer, off by default) holds prefills back to
    // bring the ranks together; it is not modelled.
    ranksPrefillTogether: (scheduler?.mixWithDecode ?? true) || !lengths.lengthsVary,
    // With MTP or a speculative draft the ranks without a prompt idle in another rank's prefill
    // where the engine's data say so (SGLang); elsewhere they decode.
    othersIdleInRankPrefill:
      plan.mtp !== undefined && scenario.engine?.speculativeApartPrefill === "others-idle",
    // Answers of varying length finish one by one, and each freed slot is refilled on its own.
    staggered: lengths.outputsVary,
    // ... and the run's last sequences drain from the residual distribution (offline-drain.ts).
    ...(lengths.outputsVary &&
      offline.distributions !== undefined && { answers: lengthPoints(offline.distributions.outputTokens) }),
  };
  const grid = batchGrid(unit, max);
  // Each batch's point is computed once: the admission bound, the candidates and the drains share them.
  const points = new Map<number, OfflinePoint | undefined>();
  const pointAt = (b: number): OfflinePoint | undefined => {
    if (!points.has(b)) points.set(b, offlinePoint(perf, b, shape));
    return points.get(b);
  };
  const generationS = (b: number): number | undefined => {
    const p = pointAt(b);
    return p === undefined ? undefined : p.prefillS + p.decodeS;
  };
  const candidates = withAdmissionBound(grid, unit, (b) => pointAt(b)?.sustained, requests)
    .map(pointAt)
    .map((c) => (c === undefined || requests === undefined ? c : finiteRun(c, requests, generationS, shape)))
    .filter((c): c is OfflinePoint => c !== undefined);
  if (candidates.length === 0)
    throw new SupernodeError(
      "infeasible",
      `the scheduler's token budget (${chunk} tokens, serving.scheduler.maxBatchTokens) leaves no room for prefill next to ${unit} decoding sequences; raise it`,
      { file: scenario.fileName, fieldPath: ["offline"] },
    );
  const slo = offline.slo?.tpotS;
  const meets = candidates.filter((c) => slo === undefined || c.tpotS <= slo);
  if (meets.length === 0)
    throw new SupernodeError(
      "infeasible",
      `no batch meets offline.slo.tpotS ${(slo ?? 0) * 1e3} ms: the smallest (${candidates[0]?.sequencesPerInstance ?? unit} sequences) takes ${((candidates[0]?.tpotS ?? 0) * 1e3).toFixed(1)} ms per token`,
      { file: scenario.fileName, fieldPath: ["offline", "slo", "tpotS"] },
    );
  // A finite run admits greedily (the engine fills its batch), but never holds more sequences than
  // its admission rate sustains: with whole prompts per iteration the scheduler's token budget,
  // less the decode tokens, caps the prompts admitted per iteration (TensorRT-LLM's max_num_tokens),
  // and a population that takes longer than one lifetime to admit never forms (the first
  // sequences finish first). Otherwise the best batch is kept.
  const sustained = meets.filter((c) => c.sustained);
  const held = requests !== undefined && sustained.length > 0 ? sustained : meets;
  const largest = held[held.length - 1] as OfflinePoint;
  const best =
    requests === undefined
      ? meets.reduce((b, c) => (c.outputTokensPerSPerInstance > b.outputTokensPerSPerInstance ? c : b))
      : shape.chunked
        ? largest
        : // Whole prompts: the run played iteration by iteration up to the engine's own limits.
          pipelinedFiniteRun(largest, requests, Math.min(kvMax, stateMax, cap), perf, shape);
  const limit =
    best.sequencesPerInstance !== largest.sequencesPerInstance
      ? "throughput"
      : held.length < meets.length
        ? "token-budget"
        : meets.length < candidates.length
          ? "slo-tpot"
          : candidates.length < grid.length
            ? "token-budget"
            : max === kvMax
              ? "kv-cache"
              : max === stateMax
                ? "state-pool"
                : "max-sequences";
  return {
    promptTokens: prompt,
    outputTokens: output,
    chunkTokens: chunk,
    ...(offline.lengths !== undefined || offline.maxTokens !== undefined ? { lengths } : {}),
    kvCacheCapacityTokens: capacity,
    kvTokensPerSequence: perSequence,
    best,
    limit,
    candidates,
  };
}
